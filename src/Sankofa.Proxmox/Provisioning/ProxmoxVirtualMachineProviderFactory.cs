using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sankofa.Core.Provisioning;
using Sankofa.Proxmox.Api;

namespace Sankofa.Proxmox.Provisioning;

/// <summary>One <see cref="ProxmoxClient"/> and provider per configured cluster, created on first use and kept.</summary>
internal sealed class ProxmoxVirtualMachineProviderFactory : IVirtualMachineProviderFactory, IDisposable
{
    private readonly ProxmoxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly IProxmoxCallObserver? _calls;
    private readonly Dictionary<string, (ProxmoxClient Client, ProxmoxVirtualMachineProvider Provider)> _providers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ProxmoxVirtualMachineProviderFactory(IOptions<ProxmoxOptions> options, TimeProvider time, ILoggerFactory loggers, IProxmoxCallObserver? calls = null)
    {
        _calls = calls;
        _options = options.Value;
        _time = time;
        _loggers = loggers;
        // Bad settings stop start-up naming the key rather than failing the first provisioning much later.
        foreach (var (id, cluster) in _options.Clusters)
        {
            ProxmoxConfigurationException.Validate(id, cluster);
        }
    }

    public IReadOnlyCollection<string> ClusterIds => _options.Clusters.Keys;

    public IVirtualMachineProvider Get(string clusterId)
    {
        lock (_gate)
        {
            if (_providers.TryGetValue(clusterId, out var existing))
            {
                return existing.Provider;
            }

            if (!_options.Clusters.TryGetValue(clusterId, out var cluster))
            {
                throw new KeyNotFoundException($"No Proxmox cluster '{clusterId}' is configured ({ProxmoxOptions.SectionName}:Clusters).");
            }

            var calls = _calls;
            var client = new ProxmoxClient(clusterId, cluster, _time, _loggers.CreateLogger<ProxmoxClient>(),
                calls is null ? null : transport => new ProxmoxCallCounting(calls, transport));
            var provider = new ProxmoxVirtualMachineProvider(client, cluster, _time);
            _providers[clusterId] = (client, provider);
            return provider;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var (client, _) in _providers.Values)
            {
                client.Dispose();
            }

            _providers.Clear();
        }
    }
}
