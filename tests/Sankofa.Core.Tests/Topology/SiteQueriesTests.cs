using Sankofa.Core.Access;
using Sankofa.Core.Tests.Fakes;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Topology;

/// <summary>The site reads over the default catalog: filters and their validation, probed health, provisionability, paging and access.</summary>
public sealed class SiteQueriesTests
{
    private static readonly SiteCatalog Catalog = SiteCatalog.Default;
    private static readonly Caller Viewer = new("v", "vic", [new RoleGrant(Roles.Viewer, "a")]);
    private static readonly Site Probed = Catalog.Sites.First(s => s.Status == SiteStatus.Up);

    private readonly FakeSiteHealth health = new();
    private readonly SiteQueries queries;

    public SiteQueriesTests() => queries = new SiteQueries(Catalog, health, [Probed.Id]);

    [Fact]
    public void Bad_filters_are_refused_as_invalid_naming_each_field()
    {
        var refused = queries.List(Viewer, new SiteListRequest(Jurisdiction: "XX", Limit: SiteQueries.MaxPageSize + 1));

        Assert.Equal(ErrorKind.Invalid, refused.Error!.Kind);
        Assert.Equal(["jurisdiction", "limit"], refused.Error.Fields.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Region_and_jurisdiction_filters_match_in_any_case()
    {
        var site = Catalog.Sites.First(s => s.Tier == SiteTier.Edge);

        var listed = queries.List(Viewer, new SiteListRequest(SiteTier.Edge, site.Region.ToUpperInvariant(), site.Jurisdiction.ToLowerInvariant()));

        Assert.Contains(listed.Value!.Items, s => s.Site.Id == site.Id);
        Assert.All(listed.Value.Items, s => Assert.Equal((SiteTier.Edge, site.Region, site.Jurisdiction), (s.Site.Tier, s.Site.Region, s.Site.Jurisdiction)));
    }

    [Fact]
    public void A_probed_sites_observed_health_overrides_the_catalogs_and_only_sites_with_a_hypervisor_are_provisionable()
    {
        health.Observations[Probed.Id] = new SiteObservation(SiteStatus.Down, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), [], "no answer");

        var down = queries.List(Viewer, new SiteListRequest(Status: SiteStatus.Down, Limit: SiteQueries.MaxPageSize));
        var probed = queries.Get(Viewer, Probed.Id).Value!;

        Assert.Contains(down.Value!.Items, s => s.Site.Id == Probed.Id);
        Assert.Equal((SiteStatus.Down, true), (probed.Status, probed.Provisionable));
        Assert.All(queries.All(Viewer).Value!.Where(s => s.Site.Id != Probed.Id), s => Assert.False(s.Provisionable));
    }

    [Fact]
    public void Pages_follow_each_other_in_id_order_without_gaps_or_repeats()
    {
        var ids = new List<string>();
        string? after = null;
        do
        {
            var page = queries.List(Viewer, new SiteListRequest(After: after, Limit: 100)).Value!;
            ids.AddRange(page.Items.Select(s => s.Site.Id));
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal(Catalog.Sites.Select(s => s.Id).Order(StringComparer.Ordinal), ids);
    }

    [Fact]
    public void A_missing_site_is_not_found_naming_the_id_and_a_caller_without_site_access_is_forbidden()
    {
        var noRoles = new Caller("n", "nobody", []);

        Assert.Equal(["id"], queries.Get(Viewer, "nowhere").Error!.Fields.Keys);
        Assert.Equal(ErrorKind.NotFound, queries.Get(Viewer, "nowhere").Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, queries.List(noRoles, new SiteListRequest()).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, queries.Get(noRoles, Probed.Id).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, queries.All(noRoles).Error!.Kind);
    }
}
