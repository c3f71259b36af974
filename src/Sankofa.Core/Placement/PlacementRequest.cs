using Sankofa.Core.Topology;

namespace Sankofa.Core.Placement;

/// <summary>Whether anti-affinity keeps a group's VMs on different hosts or on different sites.</summary>
public enum AntiAffinityScope
{
    /// <summary>No two VMs of the group on one host.</summary>
    Host,

    /// <summary>No two VMs of the group in one site.</summary>
    Site,
}

/// <summary>Where a VM may go. Field names in errors are the camel-case property names (e.g. <c>maxRttMs</c>).</summary>
/// <param name="Size">vCPU, RAM and disk the VM needs.</param>
/// <param name="Tier">Only sites of this tier, or any tier when <c>null</c>.</param>
/// <param name="UserLocation">Where the VM's users are; needed for a latency target and used to prefer near sites.</param>
/// <param name="MaxRttMs">Latency target: estimated RTT from <paramref name="UserLocation"/> must be below it.</param>
/// <param name="AllowedJurisdictions">Data residency: ISO 3166-1 alpha-2 codes the site's jurisdiction must be one of; any when <c>null</c>.</param>
/// <param name="AntiAffinityGroup">VMs of one group are kept apart, per <paramref name="AntiAffinityScope"/>.</param>
/// <param name="AntiAffinityScope">Host (default) or site.</param>
/// <param name="TenantId">The tenant the anti-affinity group belongs to: another tenant's group of the same name is another group.</param>
/// <param name="RefusedHosts">Hosts this request may not use, each with why (with requireVerifiedHardware: hosts whose hardware custody has a gap); none when null.</param>
public sealed record PlacementRequest(
    ComputeResources Size,
    SiteTier? Tier = null,
    GeoPoint? UserLocation = null,
    double? MaxRttMs = null,
    IReadOnlyCollection<string>? AllowedJurisdictions = null,
    string? AntiAffinityGroup = null,
    AntiAffinityScope AntiAffinityScope = AntiAffinityScope.Host,
    string? TenantId = null,
    IReadOnlyDictionary<string, string>? RefusedHosts = null);
