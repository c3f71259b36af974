using Prometheus;
using Sankofa.Core.Access;
using Sankofa.Core.Topology;
using Sankofa.Server.AgentLink;

namespace Sankofa.Server.Monitoring;

/// <summary>
/// Gauges read from memory just before each scrape: sites by tier, status and where the status comes from, and the
/// agents linked to this server. Both are what the server already holds (the probes' and reports' last
/// observations, the open links), so a scrape costs a pass over the catalog and nothing more.
/// </summary>
internal sealed partial class ScrapeTimeGauges(IServiceProvider services, ILogger<ScrapeTimeGauges> logger) : IHostedService
{
    private static readonly Gauge Sites = Metrics.CreateGauge(
        "sankofa_sites", "Sites of the catalog by tier, status (up, degraded, down) and the source of that status (probe, agent, failover, catalog).",
        new GaugeConfiguration { LabelNames = ["tier", "status", "source"] });

    private static readonly Gauge Agents = Metrics.CreateGauge(
        "sankofa_agents_connected", "Site agents linked to this server now, by the tier of their site (sum over replicas for the fleet).",
        new GaugeConfiguration { LabelNames = ["tier"] });

    private static readonly string[] Sources = ["probe", "agent", "catalog"];

    // A failover takes a site down: it has no up or degraded series.
    private static readonly string[] DownSources = [.. Sources, "failover"];

    // Reads the sites as a viewer would: every site, no tenant scope.
    private static readonly Caller Monitor = new("sankofa:metrics", "metrics", [new RoleGrant(Roles.Viewer)]);

    // The registry is process-wide (prometheus-net's static one) and its callbacks cannot be removed: one callback reads
    // whichever server runs now (tests start many in one process, one after another).
    private static readonly Lock Gate = new();
    private static ScrapeTimeGauges? current;
    private static bool registered;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            current = this;
            if (!registered)
            {
                Metrics.DefaultRegistry.AddBeforeCollectCallback(() => Volatile.Read(ref current)?.TryUpdate());
                registered = true;
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            if (current == this)
            {
                current = null;
            }
        }

        return Task.CompletedTask;
    }

    // Resolved at the first scrape, not at start: the site queries need the Proxmox settings, whose errors are reported
    // where they are first used.
    private void TryUpdate()
    {
        try
        {
            Update(services.GetRequiredService<SiteQueries>(), services.GetRequiredService<ConnectedAgents>(),
                services.GetRequiredService<SiteCatalog>(), services.GetRequiredService<ChainProbe>());
        }
        catch (Exception ex)
        {
            // A failing gauge must not fail the scrape: the other families still answer.
            LogUpdateFailed(logger, ex);
        }
    }

    private static void Update(SiteQueries sites, ConnectedAgents agents, SiteCatalog catalog, ChainProbe chain)
    {
        var counts = new Dictionary<(string Tier, string Status, string Source), int>();
        if (sites.All(Monitor).Value is { } states)
        {
            foreach (var state in states)
            {
                var source = state.Failover is not null ? "failover"
                    : state.Observed is null ? "catalog"
                    : state.Observed.Source == ObservationSource.Agent ? "agent" : "probe";
                var key = (FleetCountsCollector.TierLabel(state.Site.Tier), state.Status.ToString().ToLowerInvariant(), source);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        // Zeros included, so a series stays when its last site leaves it and "down" alerts see 0 rather than nothing.
        foreach (var tier in Enum.GetValues<SiteTier>())
        {
            var tierLabel = FleetCountsCollector.TierLabel(tier);
            foreach (var status in Enum.GetValues<SiteStatus>())
            {
                var statusLabel = status.ToString().ToLowerInvariant();
                foreach (var source in status == SiteStatus.Down ? DownSources : Sources)
                {
                    Sites.WithLabels(tierLabel, statusLabel, source).Set(counts.GetValueOrDefault((tierLabel, statusLabel, source)));
                }
            }

            Agents.WithLabels(tierLabel).Set(agents.All.Count(a => catalog.Find(a.Site)?.Tier == tier));
        }

        chain.BeforeScrape();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The site and agent gauges could not be read for a scrape")]
    private static partial void LogUpdateFailed(ILogger logger, Exception exception);
}
