using Sankofa.Core.Placement;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Placement;

public class HealthAndExplanationTests
{
    private static readonly GeoPoint Brussels = new(50.8503, 4.3517);
    private static readonly ComputeResources Small = new(2, 4096, 50);

    [Fact]
    public void A_site_whose_hosts_are_all_down_is_rejected_as_down_and_fails_over()
    {
        var catalog = PlacementTests.Europe();
        var (engine, state) = (new PlacementEngine(catalog), new FleetState(catalog));
        state.SetHostStatus("edge-001-h01", SiteStatus.Down);
        state.SetHostStatus("edge-001-h02", SiteStatus.Down);

        var decision = engine.Place(new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels), state).Decision!;

        Assert.Equal(RejectionReason.SiteDown, Assert.Single(decision.Rejected, r => r.Site.Id == "edge-001").Reason);
        Assert.Equal("edge-001", decision.Failover?.DownSite.Id);
    }

    [Fact]
    public void A_down_host_is_skipped_and_the_other_host_of_the_site_is_used()
    {
        var catalog = PlacementTests.Europe();
        var (engine, state) = (new PlacementEngine(catalog), new FleetState(catalog));
        state.SetHostStatus("edge-001-h01", SiteStatus.Down);

        var decision = engine.Place(new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels), state).Decision!;

        Assert.Equal("edge-001-h02", decision.Host.Id);
        Assert.Null(decision.Failover);
    }

    [Fact]
    public void A_degraded_site_loses_to_an_equally_placed_healthy_one()
    {
        Site Twin(string id) => PlacementTests.Site(id, "Twin", SiteTier.Core, "GB", 51.5, -0.12, null, [], 64);
        var catalog = SiteCatalog.Create([Twin("core-a"), Twin("core-b")]);
        var (engine, state) = (new PlacementEngine(catalog), new FleetState(catalog));
        state.SetSiteStatus("core-a", SiteStatus.Degraded);

        var decision = engine.Place(new PlacementRequest(Small, UserLocation: new GeoPoint(51.5, -0.12)), state).Decision!;

        Assert.Equal("core-b", decision.Site.Id);
    }

    [Fact]
    public void Rejected_candidates_are_the_nearest_few_nearest_first()
    {
        var catalog = SiteCatalog.Default;
        var (engine, state) = (new PlacementEngine(catalog), new FleetState(catalog));

        // Residency to Japan from Brussels: every nearby site is rejected for residency.
        var decision = engine.Place(new PlacementRequest(Small, UserLocation: Brussels, AllowedJurisdictions: ["JP"]), state).Decision!;

        Assert.Equal("JP", decision.Site.Jurisdiction);
        Assert.Equal(5, decision.Rejected.Count);
        Assert.All(decision.Rejected, r => Assert.Equal(RejectionReason.Residency, r.Reason));
        Assert.Equal(decision.Rejected.Select(r => r.DistanceKm).Order(), decision.Rejected.Select(r => r.DistanceKm));
        var nearest = catalog.Sites.Where(s => s.Jurisdiction != "JP").Min(s => s.Location.DistanceKmTo(Brussels));
        Assert.Equal(nearest, decision.Rejected[0].DistanceKm!.Value, 1);
    }

    [Fact]
    public void The_default_catalog_loads_from_a_stream_like_any_catalog()
    {
        using var stream = typeof(SiteCatalog).Assembly.GetManifestResourceStream(SiteCatalogLoader.DefaultResourceName)!;

        var catalog = SiteCatalogLoader.Load(stream);

        Assert.Equal(SiteCatalog.Default.Sites.Select(s => s.Id), catalog.Sites.Select(s => s.Id));
    }
}
