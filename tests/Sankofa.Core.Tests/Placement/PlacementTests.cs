using Sankofa.Core.Placement;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Placement;

public class PlacementTests
{
    private static readonly GeoPoint Brussels = new(50.8503, 4.3517);
    private static readonly ComputeResources Small = new(2, 4096, 50);

    // Western Europe in miniature: two cores, two regionals, four edges around Brussels.
    internal static SiteCatalog Europe() => SiteCatalog.Create(
    [
        Site("core-001", "London", SiteTier.Core, "GB", 51.5074, -0.1278, null, [], 128),
        Site("core-002", "Frankfurt", SiteTier.Core, "DE", 50.1109, 8.6821, null, [], 128),
        Site("regional-001", "Paris", SiteTier.Regional, "FR", 48.8566, 2.3522, "core-001", ["regional-002"], 64),
        Site("regional-002", "Amsterdam", SiteTier.Regional, "NL", 52.3676, 4.9041, "core-002", ["regional-001"], 64),
        Site("edge-001", "Brussels", SiteTier.Edge, "BE", 50.8503, 4.3517, "regional-002", ["edge-002", "edge-003"], 8),
        Site("edge-002", "Lille", SiteTier.Edge, "FR", 50.6292, 3.0573, "regional-001", ["edge-001", "edge-003"], 8),
        Site("edge-003", "Cologne", SiteTier.Edge, "DE", 50.9375, 6.9603, "regional-002", ["edge-001", "edge-002"], 8),
        Site("edge-004", "Lyon", SiteTier.Edge, "FR", 45.7640, 4.8357, "regional-001", ["edge-002"], 8),
    ]);

    internal static Site Site(string id, string name, SiteTier tier, string country, double lat, double lon, string? uplink, string[] adjacent, int vcpu) =>
        new(id, name, tier, "europe", country, new GeoPoint(lat, lon), SiteStatus.Up, uplink, adjacent,
            [new SiteHost(id + "-h01", new ComputeResources(vcpu, vcpu * 4096L, vcpu * 100L), SiteStatus.Up),
             new SiteHost(id + "-h02", new ComputeResources(vcpu, vcpu * 4096L, vcpu * 100L), SiteStatus.Up)]);

    private static (PlacementEngine Engine, FleetState State) Fleet(SiteCatalog? catalog = null)
    {
        catalog ??= Europe();
        return (new PlacementEngine(catalog), new FleetState(catalog));
    }

    private static PlacementDecision Placed(PlacementResult result)
    {
        Assert.True(result.IsPlaced, result.ToString());
        return result.Decision!;
    }

    private static PlacementError Failed(PlacementResult result)
    {
        Assert.False(result.IsPlaced, result.ToString());
        return result.Error!;
    }

    [Theory]
    [InlineData(SiteTier.Core)]
    [InlineData(SiteTier.Regional)]
    [InlineData(SiteTier.Edge)]
    public void A_requested_tier_is_honoured(SiteTier tier)
    {
        var (engine, state) = Fleet();

        var decision = Placed(engine.Place(new PlacementRequest(Small, Tier: tier, UserLocation: Brussels), state));

        Assert.Equal(tier, decision.Site.Tier);
    }

    [Fact]
    public void A_latency_target_picks_a_site_within_it_and_explains_the_estimate()
    {
        var (engine, state) = Fleet();

        var decision = Placed(engine.Place(new PlacementRequest(Small, UserLocation: Brussels, MaxRttMs: 5), state));

        Assert.Equal("edge-001", decision.Site.Id);
        Assert.InRange(decision.EstimatedRttMs!.Value, 0, 5);
        Assert.Contains("within 5 ms", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("edge-001-h01", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("score", decision.Reason, StringComparison.Ordinal);
        // Paris is 264 km away: 264 × 1.5 / 100 + 4 ≈ 8 ms for a regional, over the target.
        var paris = Assert.Single(decision.Rejected, r => r.Site.Id == "regional-001");
        Assert.Equal(RejectionReason.OverLatency, paris.Reason);
        Assert.Contains("exceeds the 5 ms target", paris.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_latency_model_is_one_ms_per_100_km_of_fiber_path_plus_the_tier_overhead()
    {
        var model = LatencyModel.Default;
        Assert.Equal(2 + 15.0, model.EstimateRttMs(1000, SiteTier.Edge), 6);
        Assert.Equal(4 + 15.0, model.EstimateRttMs(1000, SiteTier.Regional), 6);
        Assert.Equal(6 + 15.0, model.EstimateRttMs(1000, SiteTier.Core), 6);
        Assert.Equal(1000, model.MaxDistanceKm(17, SiteTier.Edge), 6);
    }

    [Fact]
    public void Residency_keeps_the_vm_in_an_allowed_jurisdiction_and_names_the_excluded_site()
    {
        var (engine, state) = Fleet();

        var decision = Placed(engine.Place(new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels, AllowedJurisdictions: ["FR"]), state));

        Assert.Equal("edge-002", decision.Site.Id);
        var brussels = Assert.Single(decision.Rejected, r => r.Site.Id == "edge-001");
        Assert.Equal(RejectionReason.Residency, brussels.Reason);
        Assert.Contains("jurisdiction BE", brussels.Detail, StringComparison.Ordinal);
        Assert.Equal("edge-001", decision.Rejected[0].Site.Id); // nearest first
    }

    [Fact]
    public void A_full_site_is_skipped_with_no_capacity_and_existing_allocations_count()
    {
        var (engine, state) = Fleet();
        state.Allocate("edge-001-h01", new ComputeResources(7, 4096, 50));
        state.Allocate("edge-001-h02", new ComputeResources(8, 4096, 50));

        var decision = Placed(engine.Place(new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels), state));

        Assert.NotEqual("edge-001", decision.Site.Id);
        var full = Assert.Single(decision.Rejected, r => r.Site.Id == "edge-001");
        Assert.Equal(RejectionReason.NoCapacity, full.Reason);
        Assert.Contains("no host has 2 vCPU", full.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_host_with_more_room_after_placement_wins_and_free_capacity_is_reported()
    {
        var (engine, state) = Fleet();
        state.Allocate("edge-001-h01", new ComputeResources(4, 4096, 50));

        var decision = Placed(engine.Place(new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels), state));

        Assert.Equal("edge-001-h02", decision.Host.Id);
        Assert.Equal(new ComputeResources(6, 8 * 4096 - 4096, 750), decision.FreeAfter);
    }

    [Fact]
    public void Host_anti_affinity_spreads_a_group_over_hosts_then_sites()
    {
        var (engine, state) = Fleet();
        var request = new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels, AntiAffinityGroup: "db");
        var hosts = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var decision = Placed(engine.Place(request, state));
            state.Commit(decision, request);
            hosts.Add(decision.Host.Id);
            if (i == 2)
            {
                Assert.Equal(RejectionReason.AntiAffinity, Assert.Single(decision.Rejected, r => r.Site.Id == "edge-001").Reason);
            }
        }

        Assert.Equal(3, hosts.Distinct().Count());
        Assert.Equal(["edge-001", "edge-001"], hosts.Take(2).Select(h => h[..8]));
        Assert.NotEqual("edge-001", hosts[2][..8]);
    }

    [Fact]
    public void Site_anti_affinity_puts_each_vm_of_the_group_in_another_site()
    {
        var (engine, state) = Fleet();
        var request = new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels, AntiAffinityGroup: "web", AntiAffinityScope: AntiAffinityScope.Site);
        var sites = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var decision = Placed(engine.Place(request, state));
            state.Commit(decision, request);
            sites.Add(decision.Site.Id);
        }

        Assert.Equal(4, sites.Distinct().Count());
        var error = Failed(engine.Place(request, state));
        Assert.Equal(PlacementErrorKind.NoCapacity, error.Kind);
        Assert.Equal(["antiAffinityGroup"], error.Fields);
        Assert.All(error.Rejected, r => Assert.Equal(RejectionReason.AntiAffinity, r.Reason));
    }

    [Fact]
    public void A_group_name_is_per_tenant_so_another_tenants_group_neither_blocks_nor_shows_in_the_rejections()
    {
        var (engine, state) = Fleet();
        var acme = new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels, AntiAffinityGroup: "web", AntiAffinityScope: AntiAffinityScope.Site, TenantId: "acme");
        var acmeSites = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var decision = Placed(engine.Place(acme, state));
            state.Commit(decision, acme);
            acmeSites.Add(decision.Site.Id);
        }

        var globex = Placed(engine.Place(acme with { TenantId = "globex" }, state));

        Assert.Equal(acmeSites[0], globex.Site.Id);
        Assert.DoesNotContain(globex.Rejected, r => r.Reason == RejectionReason.AntiAffinity || r.Detail.Contains("group", StringComparison.Ordinal));
        Assert.Equal(PlacementErrorKind.NoCapacity, Failed(engine.Place(acme, state)).Kind);
    }

    [Fact]
    public void A_down_site_fails_over_to_an_adjacent_site_of_the_same_tier_and_says_so()
    {
        var (engine, state) = Fleet();
        state.SetSiteStatus("edge-001", SiteStatus.Down);

        var decision = Placed(engine.Place(new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels, MaxRttMs: 10), state));

        Assert.Contains(decision.Site.Id, new[] { "edge-002", "edge-003" });
        Assert.NotNull(decision.Failover);
        Assert.Equal("edge-001", decision.Failover.DownSite.Id);
        Assert.True(decision.Failover.ToAdjacent);
        Assert.StartsWith("edge-001 (Brussels, BE) is down", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("failed over to adjacent edge site", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(RejectionReason.SiteDown, decision.Rejected[0].Reason);
    }

    [Fact]
    public void A_site_failed_over_by_a_decision_sends_its_work_to_the_site_named_even_past_a_nearer_adjacent_one()
    {
        var (engine, state) = Fleet();
        var adjacent = Placed(engine.Place(new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels), WithDown(state)));
        var named = new[] { "edge-002", "edge-003" }.Single(s => s != adjacent.Site.Id); // the one the adjacent rule would not pick
        state.SetSiteStatus("edge-001", SiteStatus.Down);
        state.SetFailover("edge-001", named);

        var decision = Placed(engine.Place(new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels), state));

        Assert.Equal(named, decision.Site.Id);
        Assert.True(decision.Failover!.Decided);
        Assert.StartsWith($"Site edge-001 was failed over to {named} by a decision on chain; placed there.", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(named, state.GetFailover("edge-001")!.Id);

        state.SetFailover("edge-001", null);
        Assert.Null(state.GetFailover("edge-001"));

        static FleetState WithDown(FleetState s)
        {
            s.SetSiteStatus("edge-001", SiteStatus.Down);
            return s;
        }
    }

    [Fact]
    public void A_down_edge_in_the_default_catalog_fails_over_to_one_of_its_adjacent_edges()
    {
        var catalog = SiteCatalog.Default;
        var (engine, state) = (new PlacementEngine(catalog), new FleetState(catalog));
        foreach (var site in catalog.OfTier(SiteTier.Edge).Where((_, i) => i % 25 == 0))
        {
            state.SetSiteStatus(site.Id, SiteStatus.Down);
            var decision = Placed(engine.Place(new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: site.Location), state));
            state.SetSiteStatus(site.Id, SiteStatus.Up);

            Assert.Equal(site.Id, decision.Failover?.DownSite.Id);
            Assert.Contains(decision.Site.Id, site.AdjacentSiteIds);
            Assert.Equal(SiteTier.Edge, decision.Site.Tier);
        }
    }

    [Fact]
    public void When_no_adjacent_site_can_take_it_the_next_best_is_used_and_the_decision_says_so()
    {
        var (engine, state) = Fleet();
        state.SetSiteStatus("edge-001", SiteStatus.Down);
        state.SetSiteStatus("edge-002", SiteStatus.Down);
        state.SetSiteStatus("edge-003", SiteStatus.Down);

        var decision = Placed(engine.Place(new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels), state));

        Assert.Equal("edge-004", decision.Site.Id);
        Assert.False(decision.Failover!.ToAdjacent);
        Assert.Contains("none of its adjacent sites", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void When_every_qualifying_site_is_down_the_error_lists_each_with_its_reason()
    {
        var (engine, state) = Fleet();
        foreach (var id in new[] { "edge-001", "edge-002", "edge-003", "edge-004" })
        {
            state.SetSiteStatus(id, SiteStatus.Down);
        }

        var error = Failed(engine.Place(new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels), state));

        Assert.Equal(PlacementErrorKind.NoCapacity, error.Kind);
        Assert.Equal(["edge-001", "edge-002", "edge-003", "edge-004"], error.Rejected.Select(r => r.Site.Id));
        Assert.All(error.Rejected, r => Assert.Equal(RejectionReason.SiteDown, r.Reason));
    }

    [Fact]
    public void A_vm_bigger_than_every_host_is_refused_naming_size()
    {
        var (engine, state) = Fleet();

        var error = Failed(engine.Place(new PlacementRequest(new ComputeResources(16, 4096, 50), Tier: SiteTier.Edge), state));

        Assert.Equal(PlacementErrorKind.NoCapacity, error.Kind);
        Assert.Equal(["size"], error.Fields);
    }

    [Fact]
    public void A_tier_that_cannot_meet_the_latency_target_anywhere_is_a_conflict_naming_both()
    {
        var (engine, state) = Fleet();

        var floor = Failed(engine.Place(new PlacementRequest(Small, Tier: SiteTier.Core, UserLocation: Brussels, MaxRttMs: 5), state));
        Assert.Equal(PlacementErrorKind.ConflictingConstraints, floor.Kind);
        Assert.Equal(["tier", "maxRttMs"], floor.Fields);
        Assert.Contains("floor for the core tier is 6 ms", floor.Message, StringComparison.Ordinal);

        // London and Frankfurt are ~320 km away: 6 + 4.8 ms > 8 ms.
        var far = Failed(engine.Place(new PlacementRequest(Small, Tier: SiteTier.Core, UserLocation: Brussels, MaxRttMs: 8), state));
        Assert.Equal(PlacementErrorKind.ConflictingConstraints, far.Kind);
        Assert.Equal(["tier", "maxRttMs"], far.Fields);
        Assert.Contains("No core site is within 8 ms", far.Message, StringComparison.Ordinal);
        Assert.All(far.Rejected, r => Assert.Equal(RejectionReason.OverLatency, r.Reason));
    }

    [Fact]
    public void Residency_that_excludes_every_site_within_the_latency_target_is_a_conflict_naming_both()
    {
        var (engine, state) = Fleet();

        var error = Failed(engine.Place(new PlacementRequest(Small, UserLocation: Brussels, MaxRttMs: 4, AllowedJurisdictions: ["NL"]), state));

        Assert.Equal(PlacementErrorKind.ConflictingConstraints, error.Kind);
        Assert.Equal(["allowedJurisdictions", "maxRttMs"], error.Fields);
        Assert.Contains("nearest allowed, regional-002 (Amsterdam, NL)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Residency_with_no_site_of_the_tier_is_a_conflict_naming_tier_and_jurisdictions()
    {
        var (engine, state) = Fleet();

        var error = Failed(engine.Place(new PlacementRequest(Small, Tier: SiteTier.Regional, AllowedJurisdictions: ["BE"]), state));

        Assert.Equal(PlacementErrorKind.ConflictingConstraints, error.Kind);
        Assert.Equal(["tier", "allowedJurisdictions"], error.Fields);
    }

    [Fact]
    public void Malformed_requests_name_each_bad_field()
    {
        var (engine, state) = Fleet();

        var error = Failed(engine.Place(new PlacementRequest(new ComputeResources(0, 1024, -1), MaxRttMs: 10, AllowedJurisdictions: ["FR", "ZZ"], AntiAffinityGroup: " "), state));

        Assert.Equal(PlacementErrorKind.InvalidRequest, error.Kind);
        Assert.Equal(["size.vcpu", "size.diskGiB", "userLocation", "allowedJurisdictions", "antiAffinityGroup"], error.Fields);
        Assert.Contains("'ZZ'", error.Message, StringComparison.Ordinal);
        Assert.Equal(["userLocation"], Failed(engine.Place(new PlacementRequest(Small, UserLocation: new GeoPoint(95, 0)), state)).Fields);
        Assert.Equal(["maxRttMs"], Failed(engine.Place(new PlacementRequest(Small, UserLocation: Brussels, MaxRttMs: -1), state)).Fields);
        Assert.Equal(["allowedJurisdictions"], Failed(engine.Place(new PlacementRequest(Small, AllowedJurisdictions: []), state)).Fields);
    }

    [Fact]
    public void Ties_are_broken_by_site_id_whatever_the_catalog_order()
    {
        Site Twin(string id) => Site(id, "Twin", SiteTier.Core, "GB", 51.5, -0.12, null, [], 64);
        var forward = SiteCatalog.Create([Twin("core-a"), Twin("core-b")]);
        var backward = SiteCatalog.Create([Twin("core-b"), Twin("core-a")]);
        var request = new PlacementRequest(Small, UserLocation: new GeoPoint(51.5, -0.12));

        Assert.Equal("core-a-h01", Placed(new PlacementEngine(forward).Place(request, new FleetState(forward))).Host.Id);
        Assert.Equal("core-a-h01", Placed(new PlacementEngine(backward).Place(request, new FleetState(backward))).Host.Id);
    }

    [Fact]
    public void The_same_requests_and_state_give_the_same_decisions()
    {
        static List<string> Run()
        {
            var catalog = SiteCatalog.Default;
            var (engine, state) = (new PlacementEngine(catalog), new FleetState(catalog));
            var random = new Random(42);
            var results = new List<string>();
            for (var i = 0; i < 500; i++)
            {
                var request = new PlacementRequest(
                    new ComputeResources(random.Next(1, 9), 2048L * random.Next(1, 9), 20L * random.Next(1, 10)),
                    Tier: random.Next(4) is var t && t < 3 ? (SiteTier)t : null,
                    UserLocation: new GeoPoint((random.NextDouble() * 120) - 50, (random.NextDouble() * 360) - 180),
                    AntiAffinityGroup: "g" + random.Next(20));
                var result = engine.Place(request, state);
                if (result.Decision is { } d)
                {
                    state.Commit(d, request);
                }

                results.Add(result.ToString());
            }

            return results;
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void A_user_in_accra_asking_for_10_ms_gets_a_site_in_ghana_in_the_default_catalog()
    {
        var catalog = SiteCatalog.Default;
        var engine = new PlacementEngine(catalog);
        var accra = new GeoPoint(5.6037, -0.1870);

        var any = Placed(engine.Place(new PlacementRequest(Small, UserLocation: accra, MaxRttMs: 10), new FleetState(catalog)));
        var edge = Placed(engine.Place(new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: accra, MaxRttMs: 10), new FleetState(catalog)));

        Assert.Equal(("Accra", "GH"), (any.Site.Name, any.Site.Jurisdiction)); // the regional site in Accra itself: 4 ms
        Assert.True(any.EstimatedRttMs < 10);
        Assert.Equal(SiteTier.Edge, edge.Site.Tier);
        Assert.True(edge.EstimatedRttMs < 10, edge.Reason);
    }

    [Fact]
    public void A_state_for_another_catalog_is_refused()
    {
        var (engine, _) = Fleet();
        Assert.Throws<ArgumentException>(() => engine.Place(new PlacementRequest(Small), new FleetState(Europe())));
    }
}
