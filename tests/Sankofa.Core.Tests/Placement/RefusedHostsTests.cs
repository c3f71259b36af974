using Sankofa.Core.Placement;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Placement;

/// <summary>
/// Hosts refused to a request (with requireVerifiedHardware: hosts whose hardware custody has a gap) are skipped like
/// full ones, and the explanation names each refused host and why.
/// </summary>
public class RefusedHostsTests
{
    private static readonly GeoPoint Brussels = new(50.8503, 4.3517);
    private static readonly ComputeResources Small = new(2, 4096, 50);

    [Fact]
    public void A_refused_host_is_skipped_and_the_decision_says_the_chosen_one_is_verified()
    {
        var catalog = PlacementTests.Europe();
        var (engine, state) = (new PlacementEngine(catalog), new FleetState(catalog));
        var refused = new Dictionary<string, string> { ["edge-001-h01"] = "Asset srv-1 failed inspection #3 by usr-i, and none passed since." };

        var decision = engine.Place(new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels, RefusedHosts: refused), state).Decision!;

        Assert.Equal("edge-001-h02", decision.Host.Id);
        Assert.Contains("custody verified", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_site_whose_every_host_is_refused_is_rejected_naming_each_hosts_gap_and_with_none_left_the_refusal_names_the_option()
    {
        var catalog = PlacementTests.Europe();
        var (engine, state) = (new PlacementEngine(catalog), new FleetState(catalog));
        var refused = catalog.Sites.SelectMany(s => s.Hosts).ToDictionary(h => h.Id, h => $"No server asset becomes host {h.Id}.");

        var result = engine.Place(new PlacementRequest(Small, Tier: SiteTier.Edge, UserLocation: Brussels, RefusedHosts: refused), state);

        var error = result.Error!;
        Assert.Equal(["requireVerifiedHardware"], error.Fields);
        var edge001 = Assert.Single(error.Rejected, r => r.Site.Id == "edge-001");
        Assert.Equal(RejectionReason.HostRefused, edge001.Reason);
        Assert.Contains("host edge-001-h01: No server asset becomes host edge-001-h01.", edge001.Detail, StringComparison.Ordinal);
        Assert.Contains("host edge-001-h02: No server asset becomes host edge-001-h02.", edge001.Detail, StringComparison.Ordinal);
    }
}
