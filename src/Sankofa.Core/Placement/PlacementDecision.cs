using Sankofa.Core.Topology;

namespace Sankofa.Core.Placement;

/// <summary>Why a candidate site was not chosen.</summary>
public enum RejectionReason
{
    /// <summary>Estimated RTT is over the latency target.</summary>
    OverLatency,

    /// <summary>The site's jurisdiction is not among the allowed ones.</summary>
    Residency,

    /// <summary>The site, or every host in it, is down.</summary>
    SiteDown,

    /// <summary>No host has the free vCPU, RAM and disk.</summary>
    NoCapacity,

    /// <summary>The anti-affinity group already has a VM there (site scope) or on every host with room (host scope).</summary>
    AntiAffinity,

    /// <summary>Every host with room is refused to this request (its hardware's custody has a gap, with requireVerifiedHardware).</summary>
    HostRefused,
}

/// <summary>A site that was considered and not chosen.</summary>
/// <param name="Site">The site.</param>
/// <param name="DistanceKm">Great-circle distance from the user, when a location was given.</param>
/// <param name="EstimatedRttMs">Estimated RTT from the user, when a location was given.</param>
/// <param name="Reason">The first rule it failed (latency, residency, down, capacity, anti-affinity, refused host — in that order).</param>
/// <param name="Detail">The failed rule in words, with the numbers.</param>
public sealed record RejectedCandidate(Site Site, double? DistanceKm, double? EstimatedRttMs, RejectionReason Reason, string Detail);

/// <summary>The nearest qualifying site was down and the VM went elsewhere.</summary>
/// <param name="DownSite">The site that would have been chosen.</param>
/// <param name="ToAdjacent">True when the VM went to a site adjacent to <paramref name="DownSite"/> (the seed's failover); false when none of them could take it.</param>
/// <param name="Detail">What happened, in words.</param>
public sealed record PlacementFailover(Site DownSite, bool ToAdjacent, string Detail)
{
    /// <summary>True when the VM went to the site that took the down site's role by an on-chain failover decision.</summary>
    public bool Decided { get; init; }
}

/// <summary>Where a VM goes and why.</summary>
/// <param name="Site">The chosen site.</param>
/// <param name="Host">The chosen host in it.</param>
/// <param name="DistanceKm">Great-circle distance from the user, when a location was given.</param>
/// <param name="EstimatedRttMs">Estimated RTT from the user, when a location was given.</param>
/// <param name="FreeAfter">What the host has free once the VM is on it.</param>
/// <param name="Score">The candidate score, 0..1 (higher is better; see docs/topology.md).</param>
/// <param name="Reason">Why this site and host, in words.</param>
/// <param name="Failover">Set when the preferred site was down.</param>
/// <param name="Rejected">The nearest candidates that were not chosen, nearest first, each with its reason.</param>
public sealed record PlacementDecision(
    Site Site,
    SiteHost Host,
    double? DistanceKm,
    double? EstimatedRttMs,
    ComputeResources FreeAfter,
    double Score,
    string Reason,
    PlacementFailover? Failover,
    IReadOnlyList<RejectedCandidate> Rejected);
