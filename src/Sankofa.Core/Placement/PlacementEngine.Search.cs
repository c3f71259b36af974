using Sankofa.Core.Topology;

namespace Sankofa.Core.Placement;

// The indexed search: nodes of the spatial index in order of how near their box can be to the user, each opened only
// when a site in it could still change the answer. Every bound errs on the side of opening (margins below), so the
// result is the one a pass over every site gives; see docs/topology.md, "Spatial index".
public sealed partial class PlacementEngine
{
    // Dot products computed from a box and from a site differ by rounding (~1e-15); a node is skipped only when its bound
    // is below a threshold by more than this. Scores likewise: a site is out of the running only when it is short by more.
    private const double DotMargin = 1e-12;
    private const double ScoreMargin = 1e-9;

    private void Search(SiteTier? tier, FleetState state, ref Scan scan)
    {
        var index = _index!;
        var free = state.NodeFree;
        var nodes = index.Nodes;
        scan.Indexed = true;
        for (var t = 0; t < 3; t++)
        {
            var tierT = (SiteTier)t;
            scan.RoomBound[t] = index.Roots[t] >= 0 ? RoomBound(free, index.Roots[t], in nodes[index.Roots[t]], ref scan) : double.NegativeInfinity;
            scan.PruneDot[t] = double.NegativeInfinity;
            var budget = scan.HasTarget ? scan.Target : LatencyModel.TierObjectiveMs(tierT);
            // Beyond this distance (plus a relative 1e-9, for rounding) every site's latency score is exactly 0.
            var km = (budget - _model.OverheadMs(tierT)) * _model.FiberKmPerMsRtt / _model.RouteFactor * (1 + 1e-9);
            scan.ZeroDot[t] = km <= 0 ? double.PositiveInfinity : km / GeoPoint.EarthRadiusKm >= Math.PI ? double.NegativeInfinity : Math.Cos(km / GeoPoint.EarthRadiusKm);
        }

        var open = RentOpen();
        for (var t = 0; t < 3; t++)
        {
            if ((tier is null || (int)tier == t) && index.Roots[t] is >= 0 and var root)
            {
                open.Enqueue(Entry(root, -1), -SiteIndex.Bound(in nodes[root], scan.Ux, scan.Uy, scan.Uz));
            }
        }

        // Sites visited so far: what Needed reads changes only in a visit, so a node pushed since the last one (its test
        // passed at push time, with the bound it is popped with) needs no second test.
        var visits = 0;
        while (open.TryDequeue(out var entry, out var negated))
        {
            var bound = -negated;
            var n = (int)entry;
            ref readonly var node = ref nodes[n];
            var nodeRoom = double.NaN;
            if ((int)(entry >> 32) != visits && !Needed(bound, n, -1, in node, !scan.HasResidency || scan.Mask.Overlaps(in node.Countries), ref nodeRoom, ref scan))
            {
                // Every node left has a bound no larger: once no node so near could be needed, none left is.
                if (!MayBeNeeded(bound, tier, ref scan))
                {
                    break;
                }

                continue;
            }

            if (node.FirstChild < 0)
            {
                for (var i = node.Start; i < node.End; i++)
                {
                    var s = index.Order[i];
                    var dot = Math.Clamp((scan.Ux * index.X[i]) + (scan.Uy * index.Y[i]) + (scan.Uz * index.Z[i]), -1, 1);
                    if (Needed(dot, n, i, in node, scan.Mask.Allows(index.Country[i]), ref nodeRoom, ref scan))
                    {
                        Visit(s, i, dot, ref scan);
                        visits++;
                    }
                }

                continue;
            }

            for (var child = node.FirstChild; child < node.FirstChild + node.ChildCount; child++)
            {
                ref readonly var childNode = ref nodes[child];
                var childBound = SiteIndex.Bound(in childNode, scan.Ux, scan.Uy, scan.Uz);
                var childRoom = double.NaN;
                if (Needed(childBound, child, -1, in childNode, !scan.HasResidency || scan.Mask.Overlaps(in childNode.Countries), ref childRoom, ref scan))
                {
                    open.Enqueue(Entry(child, visits), -childBound);
                }
            }
        }
    }

    // The most room a host of the node can keep after placement, per resource (free − size) ÷ capacity with the node's
    // most free and least capacity — over uniform hosts the very division each host's room is, so never below it.
    private static double RoomBound(long[] free, int n, in SiteIndex.Node node, ref Scan scan)
    {
        var at = 3 * n;
        if (free[at] == long.MinValue)
        {
            return double.NegativeInfinity;
        }

        var capacity = node.MinCapacity;
        var size = scan.Size;
        return Math.Min((double)(free[at] - size.VCpu) / capacity.VCpu, Math.Min((double)(free[at + 1] - size.RamMiB) / capacity.RamMiB, (double)(free[at + 2] - size.DiskGiB) / capacity.DiskGiB));
    }

    // Whether a site of the node as near as `d` could beat the best score. Where every latency score is 0 (beyond the
    // tier's budget) and the node's hosts are uniform, the bound is computed as the score itself is, so it is compared
    // exactly, ties going by site id: thousands of equally empty far hosts need not all be visited to find the lowest id.
    private bool MayBeat(double d, in SiteIndex.Node node, double room, ref Scan scan)
    {
        var w = scan.LatencyWeight;
        var tier = node.Tier;
        if (w <= 0 || d < scan.ZeroDot[(int)tier])
        {
            var bound = (1 - w) * room;
            return node.Uniform
                ? bound > scan.BestScore || (bound == scan.BestScore && node.MinRank < _rank[scan.Best])
                : bound >= scan.BestScore - ScoreMargin;
        }

        var target = scan.BestScore - ScoreMargin;
        var rest = (1 - w) * room;
        if (rest >= target)
        {
            return true;
        }

        var rtt = _model.EstimateRttMs(Math.Acos(Math.Clamp(d, -1, 1)) * GeoPoint.EarthRadiusKm, tier);
        return (w * Math.Clamp(1 - (rtt / (scan.HasTarget ? scan.Target : LatencyModel.TierObjectiveMs(tier))), 0, 1)) + rest >= target;
    }

    // Whether a site (at `site` in the index's leaf order, its dot product `bound`), or node `n` whose sites' dot products
    // are at most `bound`, could change anything the answer reports: the nearest rejected sites, the nearest site (and
    // whether any is in reach, for the errors), the nearest allowed site, the best score (or, while no site is viable,
    // the count of eligible sites), the preferred (nearest eligible) site.
    // `room` is node n's RoomBound, NaN until first needed: three divisions that most tests never reach.
    private bool Needed(double bound, int n, int site, in SiteIndex.Node node, bool mayBeAllowed, ref double room, ref Scan scan)
    {
        var tier = node.Tier;
        var d = bound + DotMargin;
        var explain = scan.RejectedSites.Length;
        if (explain > 0 && (scan.RejectCount < explain || d >= scan.RejectedDots[explain - 1])
            && (site >= 0 ? MayReject(site, bound, in node, ref scan) : MayReject(n, in node, ref scan)))
        {
            return true;
        }

        if (scan.Nearest < 0 || d >= scan.NearestDot)
        {
            return true;
        }

        var inReach = d >= scan.MinDot[(int)tier];
        if (inReach && scan.LatencyCount == 0)
        {
            return true;
        }

        if (!mayBeAllowed)
        {
            return false;
        }

        if (scan.HasResidency && (scan.NearestAllowed < 0 || d >= scan.NearestAllowedDot))
        {
            return true;
        }

        if (!inReach)
        {
            return false;
        }

        if (scan.Best < 0 || scan.Preferred < 0 || d >= scan.PreferredDot)
        {
            return true;
        }

        if (d < scan.PruneDot[(int)tier])
        {
            return false;
        }

        if (double.IsNaN(room))
        {
            room = RoomBound(scan.NodeFree, n, in node, ref scan);
        }

        return MayBeat(d, in node, room, ref scan);
    }

    // Whether any node or site with dot products at most `bound` could be needed, whatever its own data (the tests of
    // Needed that read only distances and what the search has found so far): false once the nearest node left in the
    // heap is too far for every one of them, so the heap's rest need not be popped one by one.
    private static bool MayBeNeeded(double bound, SiteTier? tier, ref Scan scan)
    {
        var d = bound + DotMargin;
        var explain = scan.RejectedSites.Length;
        if ((explain > 0 && (scan.RejectCount < explain || d >= scan.RejectedDots[explain - 1]))
            || scan.Nearest < 0 || d >= scan.NearestDot
            || (scan.HasResidency && (scan.NearestAllowed < 0 || d >= scan.NearestAllowedDot)))
        {
            return true;
        }

        for (var t = 0; t < 3; t++)
        {
            if ((tier is null || (int)tier == t) && d >= scan.MinDot[t]
                && (scan.LatencyCount == 0 || scan.Best < 0 || scan.Preferred < 0 || d >= scan.PreferredDot || d >= scan.PruneDot[t]))
            {
                return true;
            }
        }

        return false;
    }

    // Whether some site of node `n` could be rejected: false only when every rule is known to pass for all of them —
    // all in reach (the node's least dot product) and in allowed countries, none holding the group, every one with an up
    // host the VM fits (the node's least fit, which is long.MinValue when any site is down), no host refused. Such a node
    // holds none of the nearest rejected candidates, however near it is.
    private bool MayReject(int n, in SiteIndex.Node node, ref Scan scan)
    {
        var at = 3 * n;
        var fit = scan.NodeFit;
        var size = scan.Size;
        return scan.RefusedHosts is not null
            || fit[at] < size.VCpu || fit[at + 1] < size.RamMiB || fit[at + 2] < size.DiskGiB
            || (scan.Group is { } group && group.Nodes[n] > 0)
            || (scan.HasResidency && !scan.Mask.Covers(in node.Countries))
            || (scan.HasTarget && SiteIndex.LowerBound(in node, scan.Ux, scan.Uy, scan.Uz) - DotMargin < scan.MinDot[(int)node.Tier]);
    }

    // The same for the site at `i` in leaf order, with its dot product: a site the rules will all pass need not be
    // visited for the explanation. What it reads is in leaf order, so a leaf's sites are read side by side.
    private bool MayReject(int i, double dot, in SiteIndex.Node leaf, ref Scan scan)
    {
        var at = 3 * i;
        var fit = scan.SiteFit;
        var size = scan.Size;
        return scan.RefusedHosts is not null
            || fit[at] < size.VCpu || fit[at + 1] < size.RamMiB || fit[at + 2] < size.DiskGiB
            || (scan.Group is { } group && group.Sites[i] > 0)
            || !scan.Mask.Allows(_index!.Country[i])
            || dot < scan.MinDot[(int)leaf.Tier];
    }

    // A new best score: per tier, the dot product below which a site cannot reach it. A site's score is at most
    // weight × latency score (which falls with distance) + (1 − weight) × the room bound; penalties only lower it.
    // The tier's room bound is its root's, so this is the cheap test; MayBeat then applies the node's own.
    private void Tighten(ref Scan scan)
    {
        var target = scan.BestScore - ScoreMargin;
        var w = scan.LatencyWeight;
        for (var t = 0; t < 3; t++)
        {
            var room = scan.RoomBound[t];
            double prune;
            if (w <= 0)
            {
                prune = room < target ? double.PositiveInfinity : double.NegativeInfinity;
            }
            else
            {
                // The latency score a site must exceed to reach the target; then the distance beyond which it cannot.
                var needed = (target - ((1 - w) * room)) / w;
                if (needed > 1)
                {
                    prune = double.PositiveInfinity;
                }
                else if (needed <= 0)
                {
                    prune = double.NegativeInfinity;
                }
                else
                {
                    var tierT = (SiteTier)t;
                    var budget = scan.HasTarget ? scan.Target : LatencyModel.TierObjectiveMs(tierT);
                    var km = ((budget * (1 - needed)) - _model.OverheadMs(tierT)) * _model.FiberKmPerMsRtt / _model.RouteFactor;
                    var angle = km / GeoPoint.EarthRadiusKm;
                    prune = km < 0 ? double.PositiveInfinity : angle >= Math.PI ? double.NegativeInfinity : Math.Cos(angle);
                }
            }

            scan.PruneDot[t] = prune;
        }
    }

    // A node to open and the count of visits when it was found needed (−1: never tested), in one long.
    private static long Entry(int node, int visits) => ((long)visits << 32) | (uint)node;

    // Index nodes to open (see Entry), the largest bound (cosine to the user) first: PriorityQueue is a min-heap, so by
    // the negated bound. One per thread, emptied and reused, so a search allocates nothing once it has grown.
    [ThreadStatic]
    private static PriorityQueue<long, double>? t_open;

    private static PriorityQueue<long, double> RentOpen()
    {
        var open = t_open ??= new PriorityQueue<long, double>();
        open.Clear();
        return open;
    }
}
