using Sankofa.Core.Placement;

namespace Sankofa.Core.Provisioning;

/// <summary>A VM resource as the control plane keeps it: what was asked, where it went, and how far it got.</summary>
/// <param name="Id">Sankofa's id (e.g. <c>vm-3f9c…</c>); also the key on chain and the mark on the VM.</param>
/// <param name="Sequence">Store order, used as the paging cursor.</param>
/// <param name="TenantId">Owning tenant.</param>
/// <param name="ProjectId">Owning project.</param>
/// <param name="Name">The VM's name (a DNS label).</param>
/// <param name="Spec">What the VM is to be.</param>
/// <param name="SpecHash">SHA-256 of the spec's canonical encoding.</param>
/// <param name="Desired">Present or absent.</param>
/// <param name="Status">Lifecycle state.</param>
/// <param name="FailureReason">Why it failed, when <see cref="ResourceStatus.Failed"/>.</param>
/// <param name="Placement">Where it was placed and why.</param>
/// <param name="Vm">The VM on the site's hypervisor, once cloned.</param>
/// <param name="Attempts">Failed attempts of the current step (reset when a step succeeds).</param>
/// <param name="NextAttemptAt">When the reconciler should look at it next.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="VerifiedAt">When it became Verified (usage is metered from here).</param>
/// <param name="DeletedAt">When it was deleted (usage stops here).</param>
/// <param name="MeteredUntil">Usage is recorded up to this instant.</param>
/// <param name="IdempotencyKey">The client's Idempotency-Key, when given.</param>
/// <param name="Version">Optimistic concurrency version, bumped by every update.</param>
public sealed record Resource(
    string Id,
    long Sequence,
    string TenantId,
    string ProjectId,
    string Name,
    ResourceSpec Spec,
    byte[] SpecHash,
    DesiredState Desired,
    ResourceStatus Status,
    string? FailureReason,
    PlacementExplanation Placement,
    VirtualMachineRef? Vm,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? VerifiedAt,
    DateTimeOffset? DeletedAt,
    DateTimeOffset? MeteredUntil,
    string? IdempotencyKey,
    int Version)
{
    /// <summary>True when observed matches desired and nothing is left to do.</summary>
    public bool IsSettled => Desired == DesiredState.Present
        ? Status is ResourceStatus.Verified or ResourceStatus.Failed
        : Status is ResourceStatus.Deleted or ResourceStatus.Failed;

    /// <summary>The host capacity (and anti-affinity membership) the resource holds while it is not Deleted or Failed.</summary>
    public HostAllocation Allocation => new(Id, Placement.HostId, Spec.Size, Placement.AntiAffinityGroup, TenantId);

    /// <summary>True while the resource holds host capacity and quota.</summary>
    public bool HoldsCapacity => Status is not (ResourceStatus.Deleted or ResourceStatus.Failed);
}

/// <summary>A placement decision as kept with the resource and shown by the API, before and after creation.</summary>
/// <param name="SiteId">Chosen site.</param>
/// <param name="SiteName">Its display name.</param>
/// <param name="Tier">Its tier.</param>
/// <param name="Jurisdiction">Its jurisdiction (ISO 3166-1 alpha-2).</param>
/// <param name="HostId">Chosen host.</param>
/// <param name="DistanceKm">Distance from the user, when a location was given.</param>
/// <param name="EstimatedRttMs">Estimated RTT from the user, when a location was given.</param>
/// <param name="Score">Candidate score, 0..1.</param>
/// <param name="Reason">Why this site and host.</param>
/// <param name="Failover">Set when the preferred site was down: what happened.</param>
/// <param name="AntiAffinityGroup">The anti-affinity group the VM counts in, if any.</param>
/// <param name="Rejected">The nearest candidates not chosen, with why.</param>
public sealed record PlacementExplanation(
    string SiteId,
    string SiteName,
    string Tier,
    string Jurisdiction,
    string HostId,
    double? DistanceKm,
    double? EstimatedRttMs,
    double Score,
    string Reason,
    string? Failover,
    string? AntiAffinityGroup,
    IReadOnlyList<RejectedExplanation> Rejected)
{
    /// <summary>The request's residency rule (allowed ISO 3166-1 alpha-2 codes), kept for residency reports; null when it had none.</summary>
    public IReadOnlyList<string>? AllowedJurisdictions { get; init; }

    /// <summary>Flattens an engine decision.</summary>
    public static PlacementExplanation From(PlacementDecision decision, string? antiAffinityGroup)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new PlacementExplanation(
            decision.Site.Id, decision.Site.Name, decision.Site.Tier.ToString().ToLowerInvariant(), decision.Site.Jurisdiction,
            decision.Host.Id, Round(decision.DistanceKm), Round(decision.EstimatedRttMs), Math.Round(decision.Score, 4), decision.Reason,
            decision.Failover?.Detail, antiAffinityGroup,
            [.. decision.Rejected.Select(RejectedExplanation.From)]);
    }

    internal static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;
}

/// <summary>A candidate site that was not chosen.</summary>
/// <param name="SiteId">The site.</param>
/// <param name="DistanceKm">Distance from the user, when known.</param>
/// <param name="EstimatedRttMs">Estimated RTT, when known.</param>
/// <param name="Reason">The first rule it failed (camel case: overLatency, residency, siteDown, noCapacity, antiAffinity).</param>
/// <param name="Detail">The rule in words, with the numbers.</param>
public sealed record RejectedExplanation(string SiteId, double? DistanceKm, double? EstimatedRttMs, string Reason, string Detail)
{
    /// <summary>Flattens an engine candidate.</summary>
    public static RejectedExplanation From(RejectedCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var reason = candidate.Reason.ToString();
        return new RejectedExplanation(candidate.Site.Id, PlacementExplanation.Round(candidate.DistanceKm), PlacementExplanation.Round(candidate.EstimatedRttMs),
            char.ToLowerInvariant(reason[0]) + reason[1..], candidate.Detail);
    }
}
