using Sankofa.Core.Provisioning;

namespace Sankofa.Core.Monitoring;

/// <summary>
/// Counts for the operators' dashboards and alerts that only the store knows: resources by status and site, the
/// reconciler's due work and the identity steps waiting for the chain. Each is one grouped count over an index,
/// meant to be read every few seconds at most, never per request.
/// </summary>
public interface IFleetCounts
{
    /// <summary>Counts the store as it is now.</summary>
    /// <param name="now">The instant "due" is measured against.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<FleetCounts> CountAsync(DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IFleetCounts"/> found.</summary>
/// <param name="Resources">Resources by status and site (only non-zero groups).</param>
/// <param name="DueResources">Unsettled resources whose next attempt is due and that no reconciler holds.</param>
/// <param name="OldestDueSince">When the longest-waiting of those became due; null when none is.</param>
/// <param name="PendingIdentitySteps">Identity steps queued for the chain and not yet recorded.</param>
public sealed record FleetCounts(IReadOnlyList<ResourceCount> Resources, long DueResources, DateTimeOffset? OldestDueSince, long PendingIdentitySteps);

/// <summary>How many resources are in one status at one site.</summary>
/// <param name="Status">Their status.</param>
/// <param name="SiteId">Their site.</param>
/// <param name="Count">How many.</param>
public sealed record ResourceCount(ResourceStatus Status, string SiteId, long Count);
