using System.Globalization;
using System.Text;
using Sankofa.Core.Placement;
using Sankofa.Core.Topology;
using Sankofa.TestSupport.Topology;

namespace Sankofa.Core.Tests.Placement;

// The index must change nothing but the cost: on a large catalog, every decision, error and rejected candidate is the
// one the full scan (every site visited in id order) gives, while the fleet changes under it.
public class SpatialIndexTests
{
    private static readonly Lazy<SiteCatalog> Large = new(() => ScaledCatalog.Create(3_250));

    [Fact]
    public void On_3250_sites_the_index_decides_exactly_as_the_full_scan_while_the_fleet_changes()
    {
        var catalog = Large.Value;
        Assert.Equal((130, 620, 2_500), (catalog.Count(SiteTier.Core), catalog.Count(SiteTier.Regional), catalog.Count(SiteTier.Edge)));

        var differences = Compare(catalog, new PlacementOptions(), requests: 3_000, seed: 1);

        Assert.Empty(differences);
    }

    [Theory]
    [InlineData(0.0, 0.25, 5)]   // room alone decides: the latency bound never prunes
    [InlineData(1.0, 0.25, 5)]   // latency alone decides
    [InlineData(0.7, 0.0, 0)]    // no penalty, nothing explained
    [InlineData(0.7, 0.25, 64)]  // the most rejected candidates explained
    public void The_index_agrees_with_the_full_scan_under_other_weights_and_explanations(double latencyWeight, double penalty, int explain)
    {
        var options = new PlacementOptions { LatencyWeight = latencyWeight, DegradedPenalty = penalty, RejectedToExplain = explain };

        var differences = Compare(Large.Value, options, requests: 600, seed: 2);

        Assert.Empty(differences);
    }

    // Few sites down or full and few group members: most index nodes hold no site the request would reject, so the search
    // for the nearest rejected candidates skips them (by their least fit, group counts, countries and reach); each skip
    // must be one the full scan agrees with, under every kind of fleet change.
    [Theory]
    [InlineData(5, 4)]
    [InlineData(64, 5)]
    public void On_a_lightly_used_fleet_skipping_nodes_without_rejected_sites_changes_nothing(int explain, int seed)
    {
        var options = new PlacementOptions { RejectedToExplain = explain };

        var differences = Compare(Large.Value, options, requests: 1_500, seed: seed, light: true);

        Assert.Empty(differences);
    }

    [Fact]
    public void The_same_results_hold_on_the_default_catalog()
    {
        Assert.Empty(Compare(SiteCatalog.Default, new PlacementOptions(), requests: 2_000, seed: 3));
    }

    // The layout the search relies on for speed, and the engine and fleet state on for meaning: each tier's tree in level
    // order (siblings side by side, parents first), leaves covering every site once and inside every cap on their path,
    // and hosts numbered site after site in leaf order, each site's in id order.
    [Fact]
    public void The_index_lays_out_nodes_level_by_level_and_hosts_leaf_by_leaf()
    {
        var catalog = Large.Value;
        var index = SiteIndex.For(catalog);
        var nodes = index.Nodes;
        var leaves = 0;
        for (var t = 0; t < 3; t++)
        {
            var root = index.Roots[t];
            Assert.Equal(-1, index.Parents[root]);
            Assert.Equal((SiteTier)t, nodes[root].Tier);

            // Level order: popping a FIFO from the root meets the nodes in numbering order, each node's children next to
            // one another, splitting its sites into consecutive runs.
            var queue = new Queue<int>([root]);
            var expected = root;
            while (queue.TryDequeue(out var n))
            {
                Assert.Equal(expected++, n);
                if (nodes[n].FirstChild < 0)
                {
                    Assert.InRange(nodes[n].End - nodes[n].Start, 1, 8);
                    leaves++;
                    continue;
                }

                Assert.InRange(nodes[n].ChildCount, 2, SiteIndex.Arity);
                var start = nodes[n].Start;
                for (var child = nodes[n].FirstChild; child < nodes[n].FirstChild + nodes[n].ChildCount; child++)
                {
                    Assert.Equal(n, index.Parents[child]);
                    Assert.Equal(start, nodes[child].Start);
                    start = nodes[child].End;
                    queue.Enqueue(child);
                }

                Assert.Equal(nodes[n].End, start);
            }
        }

        // Four children wherever a node has more sites than four leaves hold: a tree half as deep as a binary one.
        Assert.All(nodes, n => Assert.True(n.End - n.Start <= 4 * 8 || n.ChildCount == SiteIndex.Arity));
        Assert.Equal(4, SiteIndex.Arity);

        Assert.Equal(nodes.Length, index.Parents.Length);
        Assert.True(leaves >= catalog.Sites.Count / 8);
        var sites = catalog.Sites;
        Assert.Equal(Enumerable.Range(0, sites.Count), index.Order.Order());
        var expectedHost = 0;
        for (var i = 0; i < sites.Count; i++)
        {
            var s = index.Order[i];
            Assert.Equal(i, index.PositionOf[s]);
            var (x, y, z) = PlacementEngine.UnitVector(sites[s].Location);
            for (var node = index.LeafOf[s]; node >= 0; node = index.Parents[node])
            {
                ref readonly var n = ref nodes[node];
                Assert.InRange(i, n.Start, n.End - 1);
                Assert.True((x * n.CenterX) + (y * n.CenterY) + (z * n.CenterZ) >= n.CosRadius, $"site {sites[s].Id} outside the cap of node {node}");
            }

            Assert.Equal(expectedHost, index.HostsFrom[s]);
            Assert.Equal(sites[s].Hosts.Select(h => h.Id).Order(StringComparer.Ordinal), index.Hosts[index.HostsFrom[s]..index.HostsTo[s]].Select(h => h.Id));
            expectedHost = index.HostsTo[s];
        }

        Assert.Equal(sites.Sum(s => s.Hosts.Count), expectedHost);
        Assert.Equal(expectedHost, index.Hosts.Length);
    }

    // The fleet state numbers hosts as the index does, and sites by leaf position: what it records for a host or site by
    // id is what the engine reads for it.
    [Fact]
    public void The_fleet_state_and_the_engine_read_each_host_where_the_index_numbers_it()
    {
        var catalog = Large.Value;
        var index = SiteIndex.For(catalog);
        var state = new FleetState(catalog);
        var random = new Random(6);
        foreach (var host in catalog.Sites.SelectMany(s => s.Hosts).Where(_ => random.Next(7) == 0))
        {
            state.Allocate(host.Id, new ComputeResources(1 + random.Next(host.Capacity.VCpu), random.Next(1 + (int)Math.Min(host.Capacity.RamMiB, 1 << 20)), 0));
            state.SetHostStatus(host.Id, (SiteStatus)random.Next(3));
        }

        // Site health and group counts are kept in leaf order too: what the engine reads for a site by its leaf position.
        foreach (var site in catalog.Sites.Where(_ => random.Next(5) == 0))
        {
            state.SetSiteStatus(site.Id, (SiteStatus)random.Next(3));
        }

        foreach (var host in catalog.Sites.SelectMany(s => s.Hosts).Where(_ => random.Next(9) == 0))
        {
            state.Allocate(host.Id, ComputeResources.Zero, "g" + random.Next(3), "t");
        }

        for (var s = 0; s < catalog.Sites.Count; s++)
        {
            var p = index.PositionOf[s];
            Assert.Equal(state.GetSiteStatus(catalog.Sites[s].Id), state.SiteStatusAt[p]);
            Assert.Equal((index.HostsFrom[s], index.HostsTo[s]), (index.HostStart[p], index.HostStart[p + 1]));
            for (var g = 0; g < 3; g++)
            {
                var members = state.Group("t", "g" + g)!;
                Assert.Equal(Enumerable.Range(index.HostsFrom[s], index.HostsTo[s] - index.HostsFrom[s]).Sum(h => members.Hosts[h]), members.Sites[p]);
            }
        }

        for (var h = 0; h < index.Hosts.Length; h++)
        {
            var id = index.Hosts[h].Id;
            Assert.Equal(state.GetAllocated(id), state.Used[h]);
            Assert.Equal(state.GetHostStatus(id), state.HostStatuses[h]);
            Assert.InRange(h, index.HostsFrom[state.HostSite[h]], index.HostsTo[state.HostSite[h]] - 1);
            Assert.Contains(index.Hosts[h], catalog.Sites[state.HostSite[h]].Hosts);
        }
    }

    // Places seeded requests with both engines against one fleet (some committed, sites and hosts going down, degraded,
    // failed over and back, VMs released); returns every request where the two answers differ in anything a caller sees.
    // A light fleet: 0.5 % of sites and hosts down, 1 % degraded, hosts at most half used, a tenth of them in groups.
    private static List<string> Compare(SiteCatalog catalog, PlacementOptions options, int requests, int seed, bool light = false)
    {
        var indexed = new PlacementEngine(catalog, options);
        var reference = new PlacementEngine(catalog, options, fullScan: true);
        var state = new FleetState(catalog);
        var random = new Random(seed);
        var sites = catalog.Sites;
        var countries = sites.Select(s => s.Jurisdiction).Distinct().Order(StringComparer.Ordinal).ToArray();
        var (down, degraded) = light ? (0.005, 0.015) : (0.04, 0.07);
        var (hostDown, hostDegraded) = light ? (0.005, 0.015) : (0.03, 0.06);
        foreach (var site in sites)
        {
            var roll = random.NextDouble();
            state.SetSiteStatus(site.Id, roll < down ? SiteStatus.Down : roll < degraded ? SiteStatus.Degraded : SiteStatus.Up);
            foreach (var host in site.Hosts)
            {
                var hostRoll = random.NextDouble();
                state.SetHostStatus(host.Id, hostRoll < hostDown ? SiteStatus.Down : hostRoll < hostDegraded ? SiteStatus.Degraded : SiteStatus.Up);
                // Every other host empty or full to the unit, so that equal scores (decided by site id) are common.
                var share = light
                    ? random.Next(2) == 0 ? 0 : random.NextDouble() * 0.5
                    : random.Next(3) switch { 0 => 0, 1 => 1, _ => random.NextDouble() * 0.9 };
                var group = !light || random.Next(10) == 0 ? "g" + random.Next(20) : null;
                state.Allocate(host.Id, new ComputeResources((int)(host.Capacity.VCpu * share), (long)(host.Capacity.RamMiB * share), (long)(host.Capacity.DiskGiB * share)), group, "t" + random.Next(2));
            }
        }

        var committed = new List<(PlacementDecision Decision, PlacementRequest Request)>();
        var differences = new List<string>();
        for (var i = 0; i < requests; i++)
        {
            var request = Request(random, catalog, countries);
            var expected = Describe(reference.Place(request, state));
            var actual = indexed.Place(request, state);
            if (Describe(actual) != expected)
            {
                differences.Add($"request {i} {request}:\n  index: {Describe(actual)}\n  scan:  {expected}");
            }

            if (actual.Decision is { } decision && random.Next(3) == 0)
            {
                state.Commit(decision, request);
                committed.Add((decision, request));
            }

            Change(random, catalog, state, committed);
        }

        return differences;
    }

    private static PlacementRequest Request(Random random, SiteCatalog catalog, string[] countries)
    {
        var near = catalog.Sites[random.Next(catalog.Sites.Count)];
        var kind = random.NextDouble();
        GeoPoint? location = kind < 0.7
            ? new GeoPoint(Math.Clamp(near.Location.Latitude + ((random.NextDouble() - 0.5) * 6), -90, 90), Math.Clamp(near.Location.Longitude + ((random.NextDouble() - 0.5) * 6), -180, 180))
            : kind < 0.93 ? new GeoPoint((random.NextDouble() * 180) - 90, (random.NextDouble() * 360) - 180)
            : kind < 0.96 ? near.Location : null;
        SiteTier? tier = random.Next(4) is var t && t < 3 ? (SiteTier)t : null;
        double? target = location is null ? null : random.Next(4) switch
        {
            0 => null,
            1 => LatencyModel.TierObjectiveMs(tier ?? SiteTier.Regional),
            2 => 1 + (random.NextDouble() * 30),
            _ => random.NextDouble() * 300 + 0.5,
        };
        string[]? residency = random.Next(3) switch
        {
            0 => [near.Jurisdiction],
            1 => [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => countries[random.Next(countries.Length)])],
            _ => null,
        };
        var size = random.Next(5) == 0
            ? new ComputeResources(random.Next(1, 129), 1024L * random.Next(1, 1025), 10L * random.Next(1, 3001))
            : new ComputeResources(random.Next(1, 17), 1024L * random.Next(1, 65), 10L * random.Next(1, 51));
        Dictionary<string, string>? refused = null;
        if (random.Next(10) == 0)
        {
            refused = catalog.Sites.Where(s => s.Location.DistanceKmTo(near.Location) < 600).SelectMany(s => s.Hosts)
                .Where(_ => random.Next(2) == 0).ToDictionary(h => h.Id, h => "custody gap on " + h.Id);
        }

        return new PlacementRequest(size, tier, location, target, residency, random.Next(5) < 2 ? "g" + random.Next(20) : null,
            random.Next(2) == 0 ? AntiAffinityScope.Host : AntiAffinityScope.Site, "t" + random.Next(2), refused);
    }

    // What the index keeps per node must follow every kind of change of the fleet.
    private static void Change(Random random, SiteCatalog catalog, FleetState state, List<(PlacementDecision Decision, PlacementRequest Request)> committed)
    {
        var site = catalog.Sites[random.Next(catalog.Sites.Count)];
        switch (random.Next(12))
        {
            case 0:
                state.SetSiteStatus(site.Id, (SiteStatus)random.Next(3));
                break;
            case 1:
                state.SetHostStatus(site.Hosts[random.Next(site.Hosts.Count)].Id, (SiteStatus)random.Next(3));
                break;
            case 2:
                state.SetFailover(site.Id, random.Next(2) == 0 ? null : catalog.Sites[random.Next(catalog.Sites.Count)].Id);
                break;
            case 3 when committed.Count > 0:
                var (decision, request) = committed[random.Next(committed.Count)];
                committed.Remove((decision, request));
                state.Release(decision.Host.Id, request.Size, request.AntiAffinityGroup, request.TenantId);
                break;
        }
    }

    // Everything a caller sees of a result, numbers at full precision.
    private static string Describe(PlacementResult result)
    {
        var text = new StringBuilder(result.ToString());
        if (result.Decision is { } d)
        {
            text.Append(CultureInfo.InvariantCulture, $" | km {d.DistanceKm:R} rtt {d.EstimatedRttMs:R} score {d.Score:R} free {d.FreeAfter} failover {d.Failover}");
        }
        else
        {
            text.Append(" | fields ").AppendJoin(",", result.Error!.Fields);
        }

        foreach (var r in result.Decision?.Rejected ?? result.Error!.Rejected)
        {
            text.Append(CultureInfo.InvariantCulture, $" | {r.Site.Id} {r.Reason} {r.DistanceKm:R} {r.EstimatedRttMs:R} {r.Detail}");
        }

        return text.ToString();
    }
}
