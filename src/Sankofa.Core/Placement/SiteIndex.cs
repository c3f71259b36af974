using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Placement;

/// <summary>
/// The catalog's sites of each tier in a k-d tree over their unit vectors: split at the median of the widest axis of
/// their box down to leaves of a few sites, each node with its countries and its cap (the circle on the sphere around them). One per catalog, shared by its engines and fleet states
/// (a <see cref="FleetState"/> keeps, per node, the most its hosts have free, so placement can bound a score by it).
/// </summary>
internal sealed class SiteIndex
{
    /// <summary>The most children a node has.</summary>
    /// <remarks>
    /// Four rather than two: a search expands a node and tests all its children at once, so a tree half as deep pops
    /// about half as many nodes from its heap (most of a decision's cost) for the same sites; each child's test reads
    /// its siblings' data, side by side.
    /// </remarks>
    internal const int Arity = 4;

    private const int LeafSize = 8;

    private static readonly ConditionalWeakTable<SiteCatalog, SiteIndex> Indexes = [];

    private readonly List<Node> _nodes = [];
    private readonly List<int> _parents = [];
    private readonly List<int[]> _children = [];
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double[] _z;

    private SiteIndex(SiteCatalog catalog)
    {
        var sites = catalog.Sites;
        var n = sites.Count;
        (_x, _y, _z) = (new double[n], new double[n], new double[n]);
        var country = new int[n];
        for (var s = 0; s < n; s++)
        {
            (_x[s], _y[s], _z[s]) = PlacementEngine.UnitVector(sites[s].Location);
            country[s] = PlacementEngine.CountryIndex[sites[s].Jurisdiction];
        }

        var byId = Enumerable.Range(0, n).OrderBy(s => sites[s].Id, StringComparer.Ordinal).ToArray();
        var rank = new int[n];
        for (var r = 0; r < n; r++)
        {
            rank[byId[r]] = r;
        }

        Order = new int[n];
        LeafOf = new int[n];
        PositionOf = new int[n];
        var next = 0;
        foreach (var tier in Enum.GetValues<SiteTier>())
        {
            var first = next;
            for (var s = 0; s < n; s++)
            {
                if (sites[s].Tier == tier)
                {
                    Order[next++] = s;
                }
            }

            Roots[(int)tier] = next > first ? Build(first, next, tier, -1, country, rank, sites) : -1;
        }

        (Nodes, Parents) = LevelOrder();
        (X, Y, Z) = (new double[n], new double[n], new double[n]);
        Country = new int[n];
        for (var i = 0; i < n; i++)
        {
            (X[i], Y[i], Z[i]) = (_x[Order[i]], _y[Order[i]], _z[Order[i]]);
            Country[i] = country[Order[i]];
            PositionOf[Order[i]] = i;
        }

        // Hosts numbered site after site in leaf order, each site's in id order (the order a visit tries them in).
        var hosts = new List<SiteHost>();
        (HostsFrom, HostsTo) = (new int[n], new int[n]);
        foreach (var s in Order)
        {
            HostsFrom[s] = hosts.Count;
            hosts.AddRange(sites[s].Hosts.OrderBy(h => h.Id, StringComparer.Ordinal));
            HostsTo[s] = hosts.Count;
        }

        Hosts = [.. hosts];
        HostStart = new int[n + 1];
        for (var i = 0; i < n; i++)
        {
            HostStart[i] = HostsFrom[Order[i]];
        }

        HostStart[n] = hosts.Count;
        for (var node = 0; node < Nodes.Length; node++)
        {
            if (Nodes[node].FirstChild < 0)
            {
                for (var i = Nodes[node].Start; i < Nodes[node].End; i++)
                {
                    LeafOf[Order[i]] = node;
                }
            }
        }
    }

    /// <summary>The nodes of every tier's tree, tier after tier, each tree in level order: a parent comes before its children, which lie side by side from <c>FirstChild</c>.</summary>
    public Node[] Nodes { get; }

    /// <summary>Per node, its parent, or −1 for a root.</summary>
    public int[] Parents { get; }

    /// <summary>Per tier, its tree's root, or −1 when the tier has no sites.</summary>
    public int[] Roots { get; } = new int[3];

    /// <summary>Sites in leaf order: a leaf holds <c>Order[Start..End]</c>.</summary>
    public int[] Order { get; }

    /// <summary>Per site (catalog position), the leaf holding it.</summary>
    public int[] LeafOf { get; }

    /// <summary>Per site (catalog position), its position in <see cref="Order"/>.</summary>
    public int[] PositionOf { get; }

    /// <summary>
    /// Every host of the catalog, numbered as the engine and <see cref="FleetState"/> number them: site after site in
    /// leaf order, each site's hosts in id order. The sites of a leaf, visited together, then have their hosts' health,
    /// allocations and capacities side by side rather than one cache miss apart each.
    /// </summary>
    public SiteHost[] Hosts { get; }

    /// <summary>Per site (catalog position), its first host in <see cref="Hosts"/>.</summary>
    public int[] HostsFrom { get; }

    /// <summary>Per site (catalog position), the end of its hosts in <see cref="Hosts"/> (exclusive).</summary>
    public int[] HostsTo { get; }

    /// <summary>Per site in leaf order, its first host in <see cref="Hosts"/>; its hosts end where the next site's start (one more entry than sites).</summary>
    public int[] HostStart { get; }

    /// <summary>Country indexes in leaf order.</summary>
    public int[] Country { get; }

    /// <summary>Unit vectors in leaf order (copies of the engine's, so a leaf is read sequentially).</summary>
    public double[] X { get; }

    /// <summary>See <see cref="X"/>.</summary>
    public double[] Y { get; }

    /// <summary>See <see cref="X"/>.</summary>
    public double[] Z { get; }

    /// <summary>The catalog's index, built on first use.</summary>
    public static SiteIndex For(SiteCatalog catalog) => Indexes.GetValue(catalog, c => new SiteIndex(c));

    /// <summary>An upper bound on the dot product of the unit vector <c>(ux, uy, uz)</c> with any site in the node.</summary>
    /// <remarks>
    /// The node's cap (the circle on the sphere holding its sites, centre c, radius ρ): no site is nearer the user than
    /// θ − ρ, θ the angle to c, so none has a dot product above cos(θ − ρ) = cosθ cosρ + sinθ sinρ. A box's bound
    /// (<c>Σ max(u·min, u·max)</c>) is looser where it matters: a box's far corner lies outside the sphere by about the
    /// square of its size, more than the distances a nearest-site search compares, so boxes of every level around the
    /// user would pass.
    /// </remarks>
    public static double Bound(in Node node, double ux, double uy, double uz)
    {
        var t = (ux * node.CenterX) + (uy * node.CenterY) + (uz * node.CenterZ);
        if (t >= node.CosRadius)
        {
            return 1;
        }

        return (t * node.CosRadius) + (Math.Sqrt(Math.Max(0, 1 - (t * t))) * node.SinRadius);
    }

    /// <summary>A lower bound on the dot product of the unit vector <c>(ux, uy, uz)</c> with any site in the node.</summary>
    /// <remarks>The cap's: cos(θ + ρ), or −1 once θ + ρ passes π.</remarks>
    public static double LowerBound(in Node node, double ux, double uy, double uz)
    {
        var t = (ux * node.CenterX) + (uy * node.CenterY) + (uz * node.CenterZ);
        if (t < -node.CosRadius)
        {
            return -1;
        }

        return (t * node.CosRadius) - (Math.Sqrt(Math.Max(0, 1 - (t * t))) * node.SinRadius);
    }

    // The nodes renumbered tier by tier in level order, so that two siblings (which the search always reads together) are
    // side by side and the top levels, read by every search, share a few cache lines; built depth first, a right child
    // lay hundreds of nodes past its sibling. Roots are renumbered in place.
    private (Node[] Nodes, int[] Parents) LevelOrder()
    {
        var order = new List<int>(_nodes.Count);
        for (var t = 0; t < Roots.Length; t++)
        {
            if (Roots[t] < 0)
            {
                continue;
            }

            var first = order.Count;
            order.Add(Roots[t]);
            for (var k = first; k < order.Count; k++)
            {
                order.AddRange(_children[order[k]]);
            }
        }

        var renumbered = new int[_nodes.Count];
        for (var k = 0; k < order.Count; k++)
        {
            renumbered[order[k]] = k;
        }

        var nodes = new Node[order.Count];
        var parents = new int[order.Count];
        for (var k = 0; k < order.Count; k++)
        {
            nodes[k] = _nodes[order[k]];
            if (_children[order[k]] is { Length: > 0 } children)
            {
                (nodes[k].FirstChild, nodes[k].ChildCount) = (renumbered[children[0]], children.Length);
            }

            parents[k] = _parents[order[k]] is >= 0 and var parent ? renumbered[parent] : -1;
        }

        for (var t = 0; t < Roots.Length; t++)
        {
            Roots[t] = Roots[t] >= 0 ? renumbered[Roots[t]] : -1;
        }

        return (nodes, parents);
    }

    private int Build(int lo, int hi, SiteTier tier, int parent, int[] country, int[] rank, IReadOnlyList<Site> sites)
    {
        var node = new Node
        {
            Tier = tier, FirstChild = -1, Start = lo, End = hi, MinRank = int.MaxValue,
            MinCapacity = new ComputeResources(int.MaxValue, long.MaxValue, long.MaxValue),
            Uniform = true,
        };
        var countries = new PlacementEngine.JurisdictionMask.Builder();
        for (var i = lo; i < hi; i++)
        {
            var s = Order[i];
            node.MinRank = Math.Min(node.MinRank, rank[s]);
            foreach (var host in sites[s].Hosts)
            {
                var (min, c) = (node.MinCapacity, host.Capacity);
                node.Uniform &= i == lo && host == sites[s].Hosts[0] ? true : c == min;
                node.MinCapacity = new ComputeResources(Math.Min(min.VCpu, c.VCpu), Math.Min(min.RamMiB, c.RamMiB), Math.Min(min.DiskGiB, c.DiskGiB));
            }

            countries.Add(country[s]);
        }

        node.Countries = countries.Build();

        // The cap: centred on the sites' mean direction, as wide as the farthest site from it (cosine rounded down by
        // 1e-15 so that rounding in the cosines cannot leave a site outside); a node with antipodal sites (no mean
        // direction) gets the whole sphere.
        var (cx, cy, cz) = (0d, 0d, 0d);
        for (var i = lo; i < hi; i++)
        {
            (cx, cy, cz) = (cx + _x[Order[i]], cy + _y[Order[i]], cz + _z[Order[i]]);
        }

        var length = Math.Sqrt((cx * cx) + (cy * cy) + (cz * cz));
        (node.CenterX, node.CenterY, node.CenterZ, node.CosRadius) = length > 1e-9 ? (cx / length, cy / length, cz / length, 1d) : (1d, 0d, 0d, -1d);
        for (var i = lo; i < hi && length > 1e-9; i++)
        {
            var s = Order[i];
            node.CosRadius = Math.Min(node.CosRadius, (node.CenterX * _x[s]) + (node.CenterY * _y[s]) + (node.CenterZ * _z[s]));
        }

        node.CosRadius = Math.Max(-1, node.CosRadius - 1e-15);
        node.SinRadius = Math.Sqrt(Math.Max(0, 1 - (node.CosRadius * node.CosRadius)));
        var index = _nodes.Count;
        _nodes.Add(node);
        _parents.Add(parent);
        _children.Add([]);
        if (hi - lo <= LeafSize)
        {
            return index;
        }

        // Up to Arity children: the largest part is split at the median of its box's widest axis until there are Arity
        // parts or none has more than a leaf's sites (with Arity 2, the classic k-d tree's one split). Equal coordinates
        // go by catalog position, so the tree is deterministic.
        var parts = new List<(int Lo, int Hi)> { (lo, hi) };
        while (parts.Count < Arity)
        {
            var widest = -1;
            for (var p = 0; p < parts.Count; p++)
            {
                if (parts[p].Hi - parts[p].Lo > LeafSize && (widest < 0 || parts[p].Hi - parts[p].Lo > parts[widest].Hi - parts[widest].Lo))
                {
                    widest = p;
                }
            }

            if (widest < 0)
            {
                break;
            }

            var (a, b) = parts[widest];
            var axis = WidestAxis(a, b);
            Array.Sort(Order, a, b - a, Comparer<int>.Create((i, j) => axis[i] != axis[j] ? axis[i].CompareTo(axis[j]) : i.CompareTo(j)));
            var mid = (a + b) / 2;
            parts[widest] = (a, mid);
            parts.Insert(widest + 1, (mid, b));
        }

        _children[index] = [.. parts.Select(part => Build(part.Lo, part.Hi, tier, index, country, rank, sites))];
        return index;
    }

    // The coordinate (x, y or z) along which the sites of Order[lo..hi] spread widest.
    private double[] WidestAxis(int lo, int hi)
    {
        var (minX, minY, minZ) = (double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity);
        var (maxX, maxY, maxZ) = (double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity);
        for (var i = lo; i < hi; i++)
        {
            var s = Order[i];
            (minX, maxX) = (Math.Min(minX, _x[s]), Math.Max(maxX, _x[s]));
            (minY, maxY) = (Math.Min(minY, _y[s]), Math.Max(maxY, _y[s]));
            (minZ, maxZ) = (Math.Min(minZ, _z[s]), Math.Max(maxZ, _z[s]));
        }

        var (dx, dy, dz) = (maxX - minX, maxY - minY, maxZ - minZ);
        return dx >= dy && dx >= dz ? _x : dy >= dz ? _y : _z;
    }

    /// <summary>A node of sites of one tier: a leaf (<see cref="FirstChild"/> −1) or 2 to <see cref="Arity"/> children, numbered <c>FirstChild .. FirstChild + ChildCount − 1</c>.</summary>
    /// <remarks>
    /// What every search reads of a node (cap, children, sites, tier) comes first, in 64 bytes; what only some requests
    /// read (countries: residency; capacities and rank: the score bound) after, so a node's test touches one or two
    /// cache lines of its 128 bytes, not three.
    /// </remarks>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Node
    {
        // The cap on the sphere holding every site of the node: its centre (a unit vector) and the cosine and sine of its radius.
        public double CenterX;
        public double CenterY;
        public double CenterZ;
        public double CosRadius;
        public double SinRadius;

        public int FirstChild;
        public int ChildCount;
        public int Start;
        public int End;
        public SiteTier Tier;

        // The lowest site-id rank in the node: a site tying with the best wins only with a lower one.
        public int MinRank;

        public PlacementEngine.JurisdictionMask Countries;

        // The smallest vCPU, RAM and disk of its hosts, and whether every host has the same: then the room bound is
        // computed exactly as a host's room is, and can be compared with the best score without a margin.
        public ComputeResources MinCapacity;
        public bool Uniform;
    }
}
