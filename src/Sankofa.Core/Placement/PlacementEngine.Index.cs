using Sankofa.Core.Topology;

namespace Sankofa.Core.Placement;

// The spatial index: per tier, a tree of axis-aligned boxes around the sites' unit vectors, split at the median of the
// widest axis down to leaves of a few sites. Built once per engine; the fleet state is not in it, so health and
// allocation changes cost nothing here.
public sealed partial class PlacementEngine
{
    /// <summary>The sites of each tier in a k-d tree over their unit vectors, with each node's countries.</summary>
    private sealed class SiteIndex
    {
        private const int LeafSize = 8;

        private readonly List<Node> _nodes = [];

        public SiteIndex(PlacementEngine engine)
        {
            var n = engine._sites.Length;
            Order = new int[n];
            var next = 0;
            foreach (var tier in Enum.GetValues<SiteTier>())
            {
                var first = next;
                for (var s = 0; s < n; s++)
                {
                    if (engine._tier[s] == tier)
                    {
                        Order[next++] = s;
                    }
                }

                Roots[(int)tier] = next > first ? Build(engine, first, next, tier) : -1;
                var capacities = engine._sites.Where(s => s.Tier == tier).SelectMany(s => s.Hosts).Select(h => h.Capacity).ToArray();
                MaxCapacity[(int)tier] = capacities.Length == 0
                    ? new ComputeResources(1, 1, 1)
                    : new ComputeResources(capacities.Max(c => c.VCpu), capacities.Max(c => c.RamMiB), capacities.Max(c => c.DiskGiB));
            }

            Nodes = [.. _nodes];
            (X, Y, Z) = (new double[n], new double[n], new double[n]);
            for (var i = 0; i < n; i++)
            {
                (X[i], Y[i], Z[i]) = (engine._x[Order[i]], engine._y[Order[i]], engine._z[Order[i]]);
            }
        }

        /// <summary>The nodes of every tier's tree.</summary>
        public Node[] Nodes { get; }

        /// <summary>Per tier, its tree's root, or −1 when the tier has no sites.</summary>
        public int[] Roots { get; } = new int[3];

        /// <summary>Sites in leaf order: a leaf holds <c>Order[Start..End]</c>.</summary>
        public int[] Order { get; }

        /// <summary>Unit vectors in leaf order (copies of the engine's, so a leaf is read sequentially).</summary>
        public double[] X { get; }

        /// <summary>See <see cref="X"/>.</summary>
        public double[] Y { get; }

        /// <summary>See <see cref="X"/>.</summary>
        public double[] Z { get; }

        /// <summary>Per tier, the largest vCPU, RAM and disk of any host: no host keeps more room than 1 − size ÷ these.</summary>
        public ComputeResources[] MaxCapacity { get; } = new ComputeResources[3];

        /// <summary>An upper bound on the dot product of <c>(ux, uy, uz)</c> with any site in the node's box.</summary>
        public static double Bound(in Node node, double ux, double uy, double uz) =>
            Math.Max(ux * node.MinX, ux * node.MaxX) + Math.Max(uy * node.MinY, uy * node.MaxY) + Math.Max(uz * node.MinZ, uz * node.MaxZ);

        private int Build(PlacementEngine engine, int lo, int hi, SiteTier tier)
        {
            var node = new Node
            {
                MinX = double.PositiveInfinity, MinY = double.PositiveInfinity, MinZ = double.PositiveInfinity,
                MaxX = double.NegativeInfinity, MaxY = double.NegativeInfinity, MaxZ = double.NegativeInfinity,
                Tier = tier, Left = -1, Right = -1, Start = lo, End = hi,
            };
            var countries = new JurisdictionMask.Builder();
            for (var i = lo; i < hi; i++)
            {
                var s = Order[i];
                (node.MinX, node.MaxX) = (Math.Min(node.MinX, engine._x[s]), Math.Max(node.MaxX, engine._x[s]));
                (node.MinY, node.MaxY) = (Math.Min(node.MinY, engine._y[s]), Math.Max(node.MaxY, engine._y[s]));
                (node.MinZ, node.MaxZ) = (Math.Min(node.MinZ, engine._z[s]), Math.Max(node.MaxZ, engine._z[s]));
                countries.Add(engine._country[s]);
            }

            node.Countries = countries.Build();
            var index = _nodes.Count;
            _nodes.Add(node);
            if (hi - lo <= LeafSize)
            {
                return index;
            }

            // Split at the median of the widest axis; equal coordinates go by catalog position, so the tree is deterministic.
            var (dx, dy, dz) = (node.MaxX - node.MinX, node.MaxY - node.MinY, node.MaxZ - node.MinZ);
            var axis = dx >= dy && dx >= dz ? engine._x : dy >= dz ? engine._y : engine._z;
            Array.Sort(Order, lo, hi - lo, Comparer<int>.Create((a, b) => axis[a] != axis[b] ? axis[a].CompareTo(axis[b]) : a.CompareTo(b)));
            var mid = (lo + hi) / 2;
            node.Left = Build(engine, lo, mid, tier);
            node.Right = Build(engine, mid, hi, tier);
            _nodes[index] = node;
            return index;
        }
    }

    /// <summary>A box of sites of one tier: a leaf (<see cref="Left"/> −1) or two children.</summary>
    private struct Node
    {
        public double MinX;
        public double MaxX;
        public double MinY;
        public double MaxY;
        public double MinZ;
        public double MaxZ;
        public JurisdictionMask Countries;
        public int Left;
        public int Right;
        public int Start;
        public int End;
        public SiteTier Tier;
    }
}
