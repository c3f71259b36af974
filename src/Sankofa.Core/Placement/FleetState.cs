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
    private readonly ComputeResources[] _capacity;

    /// <summary>Starts from the catalog's reported health with nothing allocated.</summary>
    public FleetState(SiteCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Catalog = catalog;
        var sites = catalog.Sites;
        Index = Placement.SiteIndex.For(catalog);
        var hosts = Index.Hosts;
        SiteStatusAt = new SiteStatus[sites.Count];
        HostSite = new int[hosts.Length];
        HostStatuses = new SiteStatus[hosts.Length];
        Used = new ComputeResources[hosts.Length];
        FailoverTargets = new int[sites.Count];
        Array.Fill(FailoverTargets, -1);
        _hostIndex = new Dictionary<string, int>(hosts.Length, StringComparer.Ordinal);
        _capacity = new ComputeResources[hosts.Length];
        for (var s = 0; s < sites.Count; s++)
        {
            SiteStatusAt[Index.PositionOf[s]] = sites[s].Status;
            for (var h = Index.HostsFrom[s]; h < Index.HostsTo[s]; h++)
            {
                HostSite[h] = s;
                HostStatuses[h] = hosts[h].Status;
                _capacity[h] = hosts[h].Capacity;
                _hostIndex[hosts[h].Id] = h;
            }
        }

        NodeFree = new long[3 * Index.Nodes.Length];
        NodeFit = new long[3 * Index.Nodes.Length];
        SiteFree = new long[3 * sites.Count];
        SiteFit = new long[3 * sites.Count];
        for (var s = 0; s < sites.Count; s++)
        {
            Refresh(s);
        }
    }

    /// <summary>The catalog the state describes.</summary>
    public SiteCatalog Catalog { get; }

    // Per site in the index's leaf order, what placement reads (the sites it visits lie in a few leaves); a site's catalog
    // position s is at Index.PositionOf[s].
    internal SiteStatus[] SiteStatusAt { get; }

    // Indexed by the index's host numbering (site after site in leaf order, see SiteIndex.Hosts), as the engine lays them out.
    internal SiteStatus[] HostStatuses { get; }

    internal ComputeResources[] Used { get; }

    internal int[] HostSite { get; }

    // The catalog's spatial index, and per node of it the most free vCPU, RAM and disk (each the largest over the node's
    // up hosts in sites not down; long.MinValue when none) — what placement bounds a score by. Kept up to date by every
    // change of allocation or health, one leaf and its ancestors at a time.
    internal Placement.SiteIndex Index { get; }

    internal long[] NodeFree { get; }

    // Per site in the index's leaf order (a leaf's sites side by side), the free vCPU, RAM and disk of its roomiest up host
    // (the one keeping the largest share of its scarcest resource), long.MinValue when the site or all its hosts are down;
    // per node, the least of its sites' (each resource apart). A request no larger than a node's fits some host of every
    // site in it: none of them is rejected as full or down — what lets placement skip the node while it looks for the
    // nearest rejected candidates.
    internal long[] SiteFit { get; }

    internal long[] NodeFit { get; }

    // Per site in leaf order, the most free vCPU, RAM and disk of its up hosts (long.MinValue when down): what its leaf's NodeFree is the largest of.
    private long[] SiteFree { get; }

    /// <summary>Current health of a site.</summary>
    public SiteStatus GetSiteStatus(string siteId) => SiteStatusAt[Index.PositionOf[SiteIndex(siteId)]];

    /// <summary>Records a site's health (a down site takes no new VMs; its requests fail over to adjacent sites).</summary>
    public void SetSiteStatus(string siteId, SiteStatus status)
    {
        var s = SiteIndex(siteId);
        ref var current = ref SiteStatusAt[Index.PositionOf[s]];
        if (current != status)
        {
            current = status;
            Refresh(s);
        }
    }

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
    public void SetHostStatus(string hostId, SiteStatus status)
    {
        var h = HostIndex(hostId);
        if (HostStatuses[h] != status)
        {
            HostStatuses[h] = status;
            Refresh(HostSite[h]);
        }
    }

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

        Used[h] = after;
        Refresh(HostSite[h]);
        if (antiAffinityGroup is not null)
        {
            if (!_groups.TryGetValue((tenantId, antiAffinityGroup), out var members))
            {
                _groups[(tenantId, antiAffinityGroup)] = members = new GroupMembers(HostSite.Length, SiteStatusAt.Length, Index.Nodes.Length);
            }

            members.Hosts[h]++;
            members.Sites[Index.PositionOf[HostSite[h]]]++;
            for (var node = Index.LeafOf[HostSite[h]]; node >= 0; node = Index.Parents[node])
            {
                members.Nodes[node]++;
            }
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
        Refresh(HostSite[h]);
        if (antiAffinityGroup is not null && _groups.TryGetValue((tenantId, antiAffinityGroup), out var members) && members.Hosts[h] > 0)
        {
            members.Hosts[h]--;
            members.Sites[Index.PositionOf[HostSite[h]]]--;
            for (var node = Index.LeafOf[HostSite[h]]; node >= 0; node = Index.Parents[node])
            {
                members.Nodes[node]--;
            }
        }
    }

    internal GroupMembers? Group(string? tenantId, string? name) => name is not null && _groups.TryGetValue((tenantId, name), out var g) ? g : null;

    private ComputeResources HostCapacity(int h) => _capacity[h];

    // A site's health or a host's allocation changed: its own room and fit, its leaf's, then each ancestor's until one is unchanged.
    private void Refresh(int site)
    {
        var (v, r, d) = (long.MinValue, long.MinValue, long.MinValue);
        var (fitV, fitR, fitD) = (long.MinValue, long.MinValue, long.MinValue);
        if (SiteStatusAt[Index.PositionOf[site]] != SiteStatus.Down)
        {
            var roomiest = double.NegativeInfinity;
            for (var h = Index.HostsFrom[site]; h < Index.HostsTo[site]; h++)
            {
                if (HostStatuses[h] == SiteStatus.Down)
                {
                    continue;
                }

                var (capacity, used) = (_capacity[h], Used[h]);
                var (freeV, freeR, freeD) = (capacity.VCpu - used.VCpu, capacity.RamMiB - used.RamMiB, capacity.DiskGiB - used.DiskGiB);
                (v, r, d) = (Math.Max(v, freeV), Math.Max(r, freeR), Math.Max(d, freeD));
                var room = Math.Min((double)freeV / capacity.VCpu, Math.Min((double)freeR / capacity.RamMiB, (double)freeD / capacity.DiskGiB));
                if (room > roomiest)
                {
                    (roomiest, fitV, fitR, fitD) = (room, freeV, freeR, freeD);
                }
            }
        }

        var at = 3 * Index.PositionOf[site];
        (SiteFree[at], SiteFree[at + 1], SiteFree[at + 2]) = (v, r, d);
        (SiteFit[at], SiteFit[at + 1], SiteFit[at + 2]) = (fitV, fitR, fitD);

        var nodes = Index.Nodes;
        var node = Index.LeafOf[site];
        while (node >= 0)
        {
            ref readonly var n = ref nodes[node];
            (v, r, d) = (long.MinValue, long.MinValue, long.MinValue);
            (fitV, fitR, fitD) = (long.MaxValue, long.MaxValue, long.MaxValue);
            // A leaf combines its sites, a node its children (side by side in both cases).
            var (free, fit, from, to) = n.FirstChild < 0 ? (SiteFree, SiteFit, n.Start, n.End) : (NodeFree, NodeFit, n.FirstChild, n.FirstChild + n.ChildCount);
            for (var i = from; i < to; i++)
            {
                var c = 3 * i;
                (v, r, d) = (Math.Max(v, free[c]), Math.Max(r, free[c + 1]), Math.Max(d, free[c + 2]));
                (fitV, fitR, fitD) = (Math.Min(fitV, fit[c]), Math.Min(fitR, fit[c + 1]), Math.Min(fitD, fit[c + 2]));
            }

            at = 3 * node;
            if (NodeFree[at] == v && NodeFree[at + 1] == r && NodeFree[at + 2] == d && NodeFit[at] == fitV && NodeFit[at + 1] == fitR && NodeFit[at + 2] == fitD)
            {
                return;
            }

            (NodeFree[at], NodeFree[at + 1], NodeFree[at + 2]) = (v, r, d);
            (NodeFit[at], NodeFit[at + 1], NodeFit[at + 2]) = (fitV, fitR, fitD);
            node = Index.Parents[node];
        }
    }

    private int SiteIndex(string siteId)
    {
        var i = Catalog.IndexOf(siteId);
        return i >= 0 ? i : throw new KeyNotFoundException($"No site '{siteId}' in the catalog.");
    }

    private int HostIndex(string hostId) =>
        _hostIndex.TryGetValue(hostId, out var h) ? h : throw new KeyNotFoundException($"No host '{hostId}' in the catalog.");

    /// <summary>How many VMs of one anti-affinity group each host, site and spatial index node holds.</summary>
    internal sealed class GroupMembers(int hosts, int sites, int nodes)
    {
        public int[] Hosts { get; } = new int[hosts];

        // Per site in the index's leaf order (as placement reads it).
        public int[] Sites { get; } = new int[sites];

        // A node without any: no site in it is rejected for the group, whatever the scope.
        public int[] Nodes { get; } = new int[nodes];
    }
}
