using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;

namespace Sankofa.Server.Topology;

/// <summary>Settings of the site health probes (configuration section <c>Topology</c>).</summary>
public sealed class TopologyOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Topology";

    /// <summary>A site catalog file to use instead of the built-in 325-site catalog; validated at start.</summary>
    public string? CatalogPath { get; set; }

    /// <summary>How often every site's hypervisor is asked for its nodes.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one site may take to answer before it counts as down.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many sites are probed at once.</summary>
    public int ProbeParallelism { get; set; } = 16;

    /// <summary>How often the chain is read for site failovers decided there (a block or two on Besu).</summary>
    public TimeSpan FailoverPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Probes each site's hypervisor (the clusters the Proxmox client knows) in the background and keeps the latest
/// observation, so the API answers from memory instead of fanning out 250 requests per call. Sites in agent mode are
/// not probed: their health is what their agent reports (<see cref="IReportedSiteHealth"/>).
/// </summary>
internal sealed partial class SiteHealthMonitor(
    IServiceProvider services, IOptions<TopologyOptions> options, TimeProvider time, ILogger<SiteHealthMonitor> logger)
    : BackgroundService, ISiteHealth
{
    private readonly ConcurrentDictionary<string, SiteObservation> observations = new(StringComparer.Ordinal);

    // Sites whose agent reports their health (agent mode): answered from the reports and never probed from here.
    // Resolved once: Observe runs for every site on every placement decision.
    private readonly Lazy<IReportedSiteHealth?> reportedHealth = new(services.GetService<IReportedSiteHealth>);

    private IReportedSiteHealth? Reported => reportedHealth.Value;

    public SiteObservation? Observe(string siteId) =>
        Reported is { } reported && reported.Reports(siteId, out var observation) ? observation : observations.GetValueOrDefault(siteId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Optional: without hypervisors configured (a server that provisions nothing), sites keep their catalog status.
        if (services.GetService<IVirtualMachineProviderFactory>() is not { } providers)
        {
            return;
        }

        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.ProbeInterval, time);
        try
        {
            do
            {
                var reported = Reported;
                await Parallel.ForEachAsync(
                    providers.ClusterIds.Where(siteId => reported is null || !reported.Reports(siteId, out _)),
                    new ParallelOptions { MaxDegreeOfParallelism = settings.ProbeParallelism, CancellationToken = stoppingToken },
                    async (siteId, ct) => observations[siteId] = await ProbeAsync(providers.Get(siteId), settings.ProbeTimeout, ct));
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<SiteObservation> ProbeAsync(IVirtualMachineProvider provider, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var nodes = await provider.ListNodesAsync(deadline.Token);
            var hosts = nodes.Select(n => new HostObservation(n.Name, n.Online, n.Cores, n.MemoryBytes, n.MemoryUsedBytes)).ToList();
            var online = hosts.Count(h => h.Online);
            var status = online == hosts.Count && online > 0 ? SiteStatus.Up : online > 0 ? SiteStatus.Degraded : SiteStatus.Down;
            return new SiteObservation(status, time.GetUtcNow(), hosts, null);
        }
        catch (Exception ex) when (ex is ProvisioningException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogProbeFailed(logger, provider.ClusterId, ex.Message);
            return new SiteObservation(SiteStatus.Down, time.GetUtcNow(), [], ex is OperationCanceledException ? $"no answer within {timeout}" : ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Site {SiteId} did not answer its health probe: {Reason}")]
    private static partial void LogProbeFailed(ILogger logger, string siteId, string reason);
}
