namespace Sankofa.Core.Topology;

/// <summary>A datacenter or edge site of the fleet.</summary>
/// <param name="Id">Stable identifier, e.g. <c>edge-042</c>.</param>
/// <param name="Name">Display name (the city).</param>
/// <param name="Tier">Core, regional or edge.</param>
/// <param name="Region">Broad geographic region, e.g. <c>europe</c>.</param>
/// <param name="Jurisdiction">ISO 3166-1 alpha-2 code of the country whose law applies to data stored there.</param>
/// <param name="Location">Where the site is.</param>
/// <param name="Status">Last reported health of the site as a whole.</param>
/// <param name="UplinkSiteId">For an edge site the regional it hangs off; for a regional the core it syncs with; <c>null</c> for a core site.</param>
/// <param name="AdjacentSiteIds">Nearby sites of the same tier, nearest first: where work fails over when this site is down.</param>
/// <param name="Hosts">The hypervisor hosts of the site.</param>
public sealed record Site(
    string Id,
    string Name,
    SiteTier Tier,
    string Region,
    string Jurisdiction,
    GeoPoint Location,
    SiteStatus Status,
    string? UplinkSiteId,
    IReadOnlyList<string> AdjacentSiteIds,
    IReadOnlyList<SiteHost> Hosts);

/// <summary>A hypervisor host (a Proxmox node) in a site.</summary>
/// <param name="Id">Identifier, unique in the catalog, e.g. <c>edge-042-h01</c>.</param>
/// <param name="Capacity">Total schedulable vCPU, RAM and disk.</param>
/// <param name="Status">Last reported health of the host.</param>
public sealed record SiteHost(string Id, ComputeResources Capacity, SiteStatus Status);
