using Microsoft.Extensions.Options;
using Prometheus;
using Sankofa.Core.Monitoring;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;

namespace Sankofa.Server.Monitoring;

/// <summary>
/// Counts the store every <see cref="MonitoringOptions.CountInterval"/> into gauges: resources by status and tier, the
/// reconciler's due work and the identity steps waiting for the chain. Every replica counts the same store, so these
/// series agree across replicas (rules take their max, not their sum).
/// </summary>
internal sealed partial class FleetCountsCollector(
    IFleetCounts counts, SiteCatalog catalog, IOptions<MonitoringOptions> options, TimeProvider time, ILogger<FleetCountsCollector> logger)
    : BackgroundService
{
    private static readonly Gauge Resources = Metrics.CreateGauge(
        "sankofa_resources", "Resources by status and by the tier of their site.", new GaugeConfiguration { LabelNames = ["status", "tier"] });

    private static readonly Gauge Due = Metrics.CreateGauge(
        "sankofa_reconciler_due_resources", "Unsettled resources whose next attempt is due and that no reconciler holds.");

    private static readonly Gauge OldestDue = Metrics.CreateGauge(
        "sankofa_reconciler_oldest_due_age_seconds", "How long the longest-waiting due resource has waited for a reconciler (0 when none waits).");

    private static readonly Gauge IdentitySteps = Metrics.CreateGauge(
        "sankofa_identity_chain_pending_steps", "Identity changes (creations, role grants, suspensions) queued for the chain and not yet recorded.");

    private static readonly Gauge LastCount = Metrics.CreateGauge(
        "sankofa_fleet_counts_timestamp_seconds", "Unix time the store was last counted for the sankofa_resources, reconciler and identity gauges.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CountInterval, time);
        try
        {
            do
            {
                await CountAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task CountAsync(CancellationToken cancellationToken)
    {
        FleetCounts found;
        var now = time.GetUtcNow();
        try
        {
            found = await counts.CountAsync(now, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The gauges keep their last values; the timestamp tells how old they are.
            LogCountFailed(logger, ex);
            return;
        }

        // Every status and tier is set, zeros included, so a series never disappears when its last resource leaves it.
        var byGroup = new Dictionary<(ResourceStatus, string), long>();
        foreach (var count in found.Resources)
        {
            var key = (count.Status, catalog.Find(count.SiteId) is { } site ? TierLabel(site.Tier) : "unknown");
            byGroup[key] = byGroup.GetValueOrDefault(key) + count.Count;
        }

        foreach (var status in Enum.GetValues<ResourceStatus>())
        {
            foreach (var tier in Enum.GetValues<SiteTier>())
            {
                Resources.WithLabels(ProvisioningMetrics.Label(status), TierLabel(tier)).Set(byGroup.GetValueOrDefault((status, TierLabel(tier))));
            }

            if (byGroup.TryGetValue((status, "unknown"), out var unknown))
            {
                Resources.WithLabels(ProvisioningMetrics.Label(status), "unknown").Set(unknown);
            }
        }

        Due.Set(found.DueResources);
        OldestDue.Set(found.OldestDueSince is { } since ? Math.Max(0, (now - since).TotalSeconds) : 0);
        IdentitySteps.Set(found.PendingIdentitySteps);
        LastCount.Set(now.ToUnixTimeMilliseconds() / 1000.0);
    }

    /// <summary>The label value of a tier: its name in lower case, as the API spells it.</summary>
    public static string TierLabel(SiteTier tier) => tier switch
    {
        SiteTier.Core => "core",
        SiteTier.Regional => "regional",
        SiteTier.Edge => "edge",
        _ => tier.ToString().ToLowerInvariant(),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the store for the metrics failed; the gauges keep their last values")]
    private static partial void LogCountFailed(ILogger logger, Exception exception);
}
