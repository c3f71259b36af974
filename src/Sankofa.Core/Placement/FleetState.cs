using Sankofa.Core.Topology;

namespace Sankofa.Core.Placement;

/// <summary>
/// What placement needs to know beyond the catalog: current site and host health, what each host has allocated,
/// and where each anti-affinity group's VMs are (a group is a tenant's own: the same name in two tenants is two groups). Built from the store; not thread-safe (one writer, or a copy per reader).
/// </summary>
public sealed class FleetState
{
    private readonly Dictionary<string, int> _hostIndex;
    private readonly Dictionary<(string? TenantId, string Name), GroupMembers> _groups = [];

    /// <summary>Starts from the catalog's reported health with nothing allocated.</summary>
    public FleetState(SiteCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Catalog = catalog;
        var sites = catalog.Sites;
        SiteStatuses = new SiteStatus[sites.Count];
        HostSite = new int[sites.Sum(s => s.Hosts.Count)];
        HostStatuses = new SiteStatus[HostSite.Length];
        Used = new ComputeResources[HostSite.Length];
        FailoverTargets = new int[sites.Count];
        Array.Fill(FailoverTargets, -1);
        _hostIndex = new Dictionary<string, int>(HostSite.Length, StringComparer.Ordinal);
        var h = 0;
        for (var s = 0; s < sites.Count; s++)
        {
            SiteStatuses[s] = sites[s].Status;
            foreach (var host in sites[s].Hosts)
            {
                HostSite[h] = s;
                HostStatuses[h] = host.Status;
                _hostIndex[host.Id] = h++;
            }
        }
    }

    /// <summary>The catalog the state describes.</summary>
    public SiteCatalog Catalog { get; }

    // Indexed by catalog position (sites) and by position in catalog order of all hosts (hosts), as the engine lays them out.
    internal SiteStatus[] SiteStatuses { get; }

    internal SiteStatus[] HostStatuses { get; }

    internal ComputeResources[] Used { get; }

    internal int[] HostSite { get; }

    // Set once any host's allocation went below zero in some resource (only a negative size can do that).
    internal bool MayHaveNegativeUse { get; private set; }

    /// <summary>Current health of a site.</summary>
    public SiteStatus GetSiteStatus(string siteId) => SiteStatuses[SiteIndex(siteId)];

    /// <summary>Records a site's health (a down site takes no new VMs; its requests fail over to adjacent sites).</summary>
    public void SetSiteStatus(string siteId, SiteStatus status) => SiteStatuses[SiteIndex(siteId)] = status;

    // Per site, the catalog position of the site that took its role by an on-chain failover decision; -1 when none.
    internal int[] FailoverTargets { get; }

    /// <summary>
    /// Records that <paramref name="siteId"/> was failed over to <paramref name="toSiteId"/> (null: no longer): work that
    /// asks for it goes there first. The site's status is set apart (<see cref="SetSiteStatus"/>: down).
    /// </summary>
    public void SetFailover(string siteId, string? toSiteId) =>
        FailoverTargets[SiteIndex(siteId)] = toSiteId is null ? -1 : SiteIndex(toSiteId);

    /// <summary>The site that took <paramref name="siteId"/>'s role by an on-chain failover decision, or null.</summary>
    public Site? GetFailover(string siteId) => FailoverTargets[SiteIndex(siteId)] is >= 0 and var to ? Catalog.Sites[to] : null;

    /// <summary>Current health of a host.</summary>
    public SiteStatus GetHostStatus(string hostId) => HostStatuses[HostIndex(hostId)];

    /// <summary>Records a host's health.</summary>
    public void SetHostStatus(string hostId, SiteStatus status) => HostStatuses[HostIndex(hostId)] = status;

    /// <summary>What is allocated on a host.</summary>
    public ComputeResources GetAllocated(string hostId) => Used[HostIndex(hostId)];

    /// <summary>What a host has free.</summary>
    public ComputeResources GetFree(string hostId)
    {
        var h = HostIndex(hostId);
        return HostCapacity(h) - Used[h];
    }

    /// <summary>Records a VM on a host (and in its tenant's anti-affinity group).</summary>
    /// <exception cref="InvalidOperationException">The host has not that much free.</exception>
    public void Allocate(string hostId, ComputeResources size, string? antiAffinityGroup = null, string? tenantId = null)
    {
        var h = HostIndex(hostId);
        var after = Used[h] + size;
        if (!HostCapacity(h).Covers(after))
        {
            throw new InvalidOperationException($"Host {hostId} has {HostCapacity(h) - Used[h]} free; cannot allocate {size}.");
        }

        // A negative size can drive an allocation below zero; placement's room bound assumes none is, so it then scans.
        MayHaveNegativeUse |= !after.Covers(ComputeResources.Zero);
        Used[h] = after;
        if (antiAffinityGroup is not null)
        {
            if (!_groups.TryGetValue((tenantId, antiAffinityGroup), out var members))
            {
                _groups[(tenantId, antiAffinityGroup)] = members = new GroupMembers(HostSite.Length, SiteStatuses.Length);
            }

            members.Hosts[h]++;
            members.Sites[HostSite[h]]++;
        }
    }

    /// <summary>Records a placement decision: the VM now occupies its host.</summary>
    public void Commit(PlacementDecision decision, PlacementRequest request)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(request);
        Allocate(decision.Host.Id, request.Size, request.AntiAffinityGroup, request.TenantId);
    }

    /// <summary>Removes a VM from a host (and from its tenant's anti-affinity group).</summary>
    /// <exception cref="InvalidOperationException">More would be released than is allocated.</exception>
    public void Release(string hostId, ComputeResources size, string? antiAffinityGroup = null, string? tenantId = null)
    {
        var h = HostIndex(hostId);
        var after = Used[h] - size;
        if (!after.Covers(ComputeResources.Zero))
        {
            throw new InvalidOperationException($"Host {hostId} has only {Used[h]} allocated; cannot release {size}.");
        }

        Used[h] = after;
        if (antiAffinityGroup is not null && _groups.TryGetValue((tenantId, antiAffinityGroup), out var members) && members.Hosts[h] > 0)
        {
            members.Hosts[h]--;
            members.Sites[HostSite[h]]--;
        }
    }

    internal GroupMembers? Group(string? tenantId, string? name) => name is not null && _groups.TryGetValue((tenantId, name), out var g) ? g : null;

    private ComputeResources HostCapacity(int h)
    {
        var site = Catalog.Sites[HostSite[h]];
        var first = _hostIndex[site.Hosts[0].Id];
        return site.Hosts[h - first].Capacity;
    }

    private int SiteIndex(string siteId)
    {
        var i = Catalog.IndexOf(siteId);
        return i >= 0 ? i : throw new KeyNotFoundException($"No site '{siteId}' in the catalog.");
    }

    private int HostIndex(string hostId) =>
        _hostIndex.TryGetValue(hostId, out var h) ? h : throw new KeyNotFoundException($"No host '{hostId}' in the catalog.");

    /// <summary>How many VMs of one anti-affinity group each host and site holds.</summary>
    internal sealed class GroupMembers(int hosts, int sites)
    {
        public int[] Hosts { get; } = new int[hosts];

        public int[] Sites { get; } = new int[sites];
    }
}
