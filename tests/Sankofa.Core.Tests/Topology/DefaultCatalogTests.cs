using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Topology;

public class DefaultCatalogTests
{
    private static readonly SiteCatalog Catalog = SiteCatalog.Default;

    [Fact]
    public void The_default_catalog_has_the_seed_counts_13_core_62_regional_250_edge()
    {
        Assert.Equal(325, Catalog.Sites.Count);
        Assert.Equal(13, Catalog.Count(SiteTier.Core));
        Assert.Equal(62, Catalog.Count(SiteTier.Regional));
        Assert.Equal(250, Catalog.Count(SiteTier.Edge));
        Assert.Empty(SiteCatalogValidator.CheckTierCounts(Catalog, SiteCatalogValidator.SeedCounts));
    }

    [Fact]
    public void Every_edge_hangs_off_a_regional_and_every_regional_syncs_with_a_core()
    {
        foreach (var site in Catalog.Sites)
        {
            switch (site.Tier)
            {
                case SiteTier.Edge:
                    Assert.Equal(SiteTier.Regional, Catalog.Get(site.UplinkSiteId!).Tier);
                    break;
                case SiteTier.Regional:
                    Assert.Equal(SiteTier.Core, Catalog.Get(site.UplinkSiteId!).Tier);
                    break;
                default:
                    Assert.Null(site.UplinkSiteId);
                    break;
            }

            Assert.NotEmpty(site.AdjacentSiteIds);
            Assert.All(site.AdjacentSiteIds, a => Assert.Equal(site.Tier, Catalog.Get(a).Tier));
            Assert.True(CountryCodes.IsAssigned(site.Jurisdiction), site.Id);
            Assert.NotEmpty(site.Hosts);
        }
    }

    [Fact]
    public void Each_site_links_to_a_nearby_uplink_the_nearest_of_its_tier()
    {
        foreach (var site in Catalog.Sites.Where(s => s.UplinkSiteId is not null))
        {
            var uplink = Catalog.Get(site.UplinkSiteId!);
            var nearest = Catalog.OfTier(uplink.Tier).Min(o => o.Location.DistanceKmTo(site.Location));
            Assert.Equal(nearest, uplink.Location.DistanceKmTo(site.Location), 3);
        }
    }

    [Theory]
    [InlineData("London", "GB", 51.51, -0.13)]
    [InlineData("Tokyo", "JP", 35.69, 139.69)]
    [InlineData("São Paulo", "BR", -23.55, -46.64)]
    [InlineData("Lagos", "NG", 6.45, 3.39)]
    [InlineData("Nairobi", "KE", -1.28, 36.82)]
    [InlineData("Sydney", "AU", -33.87, 151.21)]
    [InlineData("Chicago", "US", 41.85, -87.65)]
    public void Known_cities_are_where_they_really_are(string city, string country, double lat, double lon)
    {
        var site = Assert.Single(Catalog.Sites, s => s.Name == city);
        Assert.Equal(country, site.Jurisdiction);
        Assert.True(site.Location.DistanceKmTo(new GeoPoint(lat, lon)) < 25, $"{city} is at {site.Location}");
    }

    [Fact]
    public void Core_sites_span_every_inhabited_continent()
    {
        var regions = Catalog.OfTier(SiteTier.Core).Select(s => s.Region).Distinct().Order().ToArray();
        Assert.Equal(["africa", "asia", "europe", "north-america", "oceania", "south-america"], regions);
    }

    [Fact]
    public void Site_and_host_ids_are_unique()
    {
        Assert.Equal(325, Catalog.Sites.Select(s => s.Id).Distinct().Count());
        var hosts = Catalog.Sites.SelectMany(s => s.Hosts).Select(h => h.Id).ToList();
        Assert.Equal(hosts.Count, hosts.Distinct().Count());
    }

    [Fact]
    public void Great_circle_distance_london_to_new_york_is_about_5570_km()
    {
        var d = new GeoPoint(51.5074, -0.1278).DistanceKmTo(new GeoPoint(40.7128, -74.0060));
        Assert.InRange(d, 5550, 5590);
    }
}
