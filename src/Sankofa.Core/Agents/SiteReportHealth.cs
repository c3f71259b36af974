using System.Globalization;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Agents;

/// <summary>
/// A site's health from its agent's reports, by the same rules as the control plane's own probes: up when every node is
/// online, degraded when some are, down when none are or the hypervisor did not answer; and down once the agent has been
/// silent for longer than it may be.
/// </summary>
public static class SiteReportHealth
{
    /// <summary>What a report says of the site's health.</summary>
    public static SiteObservation Observe(SiteReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var at = report.TakenNoLaterThan;
        if (!report.HypervisorReachable)
        {
            var why = string.IsNullOrWhiteSpace(report.Error) ? "no reason given" : report.Error;
            return new SiteObservation(SiteStatus.Down, at, [], $"The site's agent could not reach its hypervisor: {why}") { Source = ObservationSource.Agent };
        }

        var hosts = report.Nodes
            .Select(n => new HostObservation(n.Name, n.Online, n.Cpus, n.MemoryBytes, n.MemoryUsedBytes))
            .ToList();
        var online = hosts.Count(h => h.Online);
        var status = online == hosts.Count && online > 0 ? SiteStatus.Up : online > 0 ? SiteStatus.Degraded : SiteStatus.Down;
        var error = hosts.Count == 0 ? "The site's agent reports no nodes." : online == 0 ? "The site's agent reports every node offline." : null;
        return new SiteObservation(status, at, hosts, error) { Source = ObservationSource.Agent };
    }

    /// <summary>Whether an agent last heard from at <paramref name="lastHeard"/> is silent at <paramref name="now"/>.</summary>
    public static bool IsSilent(DateTimeOffset lastHeard, DateTimeOffset now, TimeSpan silentAfter) => now - lastHeard > silentAfter;

    /// <summary>
    /// The site as down because its agent has been silent since <paramref name="lastHeard"/>: every host counts as down
    /// (nothing is known of them any more), so placement sends it no new VMs.
    /// </summary>
    public static SiteObservation Silent(DateTimeOffset lastHeard) =>
        new(SiteStatus.Down, lastHeard, [], string.Create(CultureInfo.InvariantCulture, $"The site's agent has been silent since {lastHeard:O}."))
        {
            Source = ObservationSource.Agent,
        };
}
