using Microsoft.Extensions.Logging;
using Sankofa.Core.Provisioning;
using Sankofa.Proxmox.Api;

namespace Sankofa.Proxmox.Provisioning;

/// <summary>
/// One site's own Proxmox VE cluster as its agent drives it: the provisioning port and the observer over one client
/// (one connection pool, one login).
/// </summary>
public sealed class ProxmoxSite : IDisposable
{
    /// <summary>Connects to the cluster <paramref name="options"/> name; the options are validated first.</summary>
    /// <param name="siteId">The site, used in messages and logs.</param>
    /// <param name="options">Endpoint, credentials, timeouts and TLS settings.</param>
    /// <param name="time">Clock for polling and caches; default the system clock.</param>
    /// <param name="logger">Logger; default none.</param>
    /// <exception cref="ProxmoxConfigurationException">The options are incomplete or contradictory.</exception>
    public ProxmoxSite(string siteId, ProxmoxClusterOptions options, TimeProvider? time = null, ILogger<ProxmoxClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Client = new ProxmoxClient(siteId, options, time, logger);
        Provider = new ProxmoxVirtualMachineProvider(Client, options, time);
        Observer = new VmObserver(Client, time);
    }

    /// <summary>The API client.</summary>
    public ProxmoxClient Client { get; }

    /// <summary>Clone, configure, start, stop, delete and find VMs.</summary>
    public IVirtualMachineProvider Provider { get; }

    /// <summary>What a VM is, read back for an attestation.</summary>
    public VmObserver Observer { get; }

    /// <inheritdoc />
    public void Dispose() => Client.Dispose();
}
