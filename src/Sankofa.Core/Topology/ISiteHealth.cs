namespace Sankofa.Core.Topology;

/// <summary>
/// The latest observed health of sites and hosts, from probing their hypervisors. Sites nobody probes keep the status
/// the catalog gives them.
/// </summary>
public interface ISiteHealth
{
    /// <summary>What was last observed of a site, or <c>null</c> when it has not been probed (yet).</summary>
    SiteObservation? Observe(string siteId);
}

/// <summary>One probe of a site's hypervisor, or one report of its agent.</summary>
/// <param name="Status">Up when every host answered, degraded when some did, down when none or the site did not answer.</param>
/// <param name="CheckedAt">When the probe finished.</param>
/// <param name="Hosts">Per host: whether it answered and what the hypervisor reports of it.</param>
/// <param name="Error">Why the site could not be probed, when it could not.</param>
public sealed record SiteObservation(SiteStatus Status, DateTimeOffset CheckedAt, IReadOnlyList<HostObservation> Hosts, string? Error)
{
    /// <summary>Who observed it: the control plane's own probe (direct mode) or the site's agent (agent mode).</summary>
    public ObservationSource Source { get; init; } = ObservationSource.Probe;
}

/// <summary>Where a site's observed health comes from.</summary>
public enum ObservationSource
{
    /// <summary>The control plane probed the site's hypervisor itself (direct mode).</summary>
    Probe,

    /// <summary>The site's agent reported it over its link (agent mode); the control plane does not probe the site.</summary>
    Agent,
}

/// <summary>What a site's hypervisor reports of one host.</summary>
/// <param name="HostId">The host (the hypervisor node's name).</param>
/// <param name="Online">Whether it answers.</param>
/// <param name="Cores">CPU cores the node reports.</param>
/// <param name="MemoryBytes">Memory the node has.</param>
/// <param name="MemoryUsedBytes">Memory in use on the node.</param>
public sealed record HostObservation(string HostId, bool Online, int? Cores, long? MemoryBytes, long? MemoryUsedBytes);
