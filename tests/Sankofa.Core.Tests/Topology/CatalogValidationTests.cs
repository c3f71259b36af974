using System.Text.Json.Nodes;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Topology;

public class CatalogValidationTests
{
    // A minimal valid catalog: one core, one regional hanging off it, two adjacent edges hanging off the regional.
    private static JsonObject Valid() => JsonNode.Parse("""
        {"version":1,"sites":[
          {"id":"core-001","name":"London","tier":"core","region":"europe","jurisdiction":"GB","latitude":51.5,"longitude":-0.12,"uplink":null,"adjacent":[],
           "hosts":[{"id":"core-001-h01","vcpu":128,"ramMiB":1048576,"diskGiB":30720}]},
          {"id":"regional-001","name":"Paris","tier":"regional","region":"europe","jurisdiction":"FR","latitude":48.85,"longitude":2.35,"uplink":"core-001","adjacent":[],
           "hosts":[{"id":"regional-001-h01","vcpu":64,"ramMiB":524288,"diskGiB":15360}]},
          {"id":"edge-001","name":"Lyon","tier":"edge","region":"europe","jurisdiction":"FR","latitude":45.75,"longitude":4.85,"uplink":"regional-001","adjacent":["edge-002"],
           "hosts":[{"id":"edge-001-h01","vcpu":32,"ramMiB":131072,"diskGiB":3840,"status":"up"}]},
          {"id":"edge-002","name":"Marseille","tier":"edge","region":"europe","jurisdiction":"FR","latitude":43.3,"longitude":5.37,"uplink":"regional-001","adjacent":["edge-001"],
           "hosts":[{"id":"edge-002-h01","vcpu":32,"ramMiB":131072,"diskGiB":3840}]}
        ]}
        """)!.AsObject();

    private static JsonObject Site(JsonObject catalog, int i) => catalog["sites"]![i]!.AsObject();

    private static CatalogValidationException Rejected(JsonObject catalog) =>
        Assert.Throws<CatalogValidationException>(() => SiteCatalogLoader.Parse(catalog.ToJsonString()));

    [Fact]
    public void A_valid_catalog_loads()
    {
        var catalog = SiteCatalogLoader.Parse(Valid().ToJsonString());
        Assert.Equal(4, catalog.Sites.Count);
        Assert.Equal(["edge-001", "edge-002"], catalog.Downlinks("regional-001").Select(s => s.Id));
    }

    [Theory]
    [InlineData(2, "tier", "\"satellite\"", "Unknown tier 'satellite'")]
    [InlineData(2, "jurisdiction", "\"XX\"", "not an assigned ISO 3166-1")]
    [InlineData(2, "jurisdiction", "\"fr\"", "not an assigned ISO 3166-1")]
    [InlineData(2, "jurisdiction", "\"UK\"", "not an assigned ISO 3166-1")]
    [InlineData(2, "latitude", "91.5", "outside")]
    [InlineData(2, "longitude", "-180.5", "outside")]
    [InlineData(2, "latitude", "\"north\"", "a number")]
    [InlineData(2, "uplink", "\"regional-404\"", "not in the catalog")]
    [InlineData(2, "uplink", "\"core-001\"", "must be linked to a regional")]
    [InlineData(2, "uplink", "null", "must be linked to a regional")]
    [InlineData(1, "uplink", "\"edge-001\"", "must be linked to a core")]
    [InlineData(0, "uplink", "\"regional-001\"", "no uplink")]
    [InlineData(2, "adjacent", "[\"edge-404\"]", "not in the catalog")]
    [InlineData(2, "adjacent", "[\"regional-001\"]", "share the tier")]
    [InlineData(2, "adjacent", "[\"edge-001\"]", "itself")]
    [InlineData(2, "status", "\"sleepy\"", "Unknown status")]
    [InlineData(2, "name", "\"\"", "Required")]
    [InlineData(2, "hosts", "[]", "at least one host")]
    [InlineData(2, "colour", "\"blue\"", "Unknown field")]
    public void Each_malformed_field_is_rejected_naming_site_and_field(int site, string field, string json, string message)
    {
        var catalog = Valid();
        Site(catalog, site)[field] = JsonNode.Parse(json);

        var e = Rejected(catalog);

        var error = Assert.Single(e.Errors);
        Assert.Equal((string)Site(catalog, site)["id"]!, error.SiteId);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains((string)Site(catalog, site)["id"]!, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vcpu", 0)]
    [InlineData("ramMiB", -1)]
    [InlineData("diskGiB", 0)]
    public void A_host_capacity_of_zero_or_less_is_rejected_naming_the_host_field(string field, long value)
    {
        var catalog = Valid();
        Site(catalog, 3)["hosts"]![0]![field] = value;

        var error = Assert.Single(Rejected(catalog).Errors);

        Assert.Equal(("edge-002", $"hosts[0].{field}"), (error.SiteId, error.Field));
        Assert.Contains("greater than 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_site_id_is_rejected_naming_the_id()
    {
        var catalog = Valid();
        Site(catalog, 3)["id"] = "edge-001";
        Site(catalog, 3)["hosts"]![0]!["id"] = "edge-003-h01";

        var e = Rejected(catalog);

        Assert.Contains(e.Errors, x => x is { SiteId: "edge-001", Field: "id" } && x.Message.Contains("Duplicate", StringComparison.Ordinal));
    }

    [Fact]
    public void A_duplicate_host_id_is_rejected()
    {
        var catalog = Valid();
        Site(catalog, 3)["hosts"]![0]!["id"] = "edge-001-h01";

        var error = Assert.Single(Rejected(catalog).Errors);

        Assert.Equal(("edge-002", "hosts[0].id"), (error.SiteId, error.Field));
    }

    [Fact]
    public void A_site_without_id_is_named_by_its_position()
    {
        var catalog = Valid();
        Site(catalog, 3).Remove("id");
        Site(catalog, 2)["adjacent"] = new JsonArray();

        var error = Assert.Single(Rejected(catalog).Errors);

        Assert.Equal(("sites[3]", "id"), (error.SiteId, error.Field));
    }

    [Fact]
    public void Malformed_json_is_rejected_as_a_catalog_error()
    {
        var e = Assert.Throws<CatalogValidationException>(() => SiteCatalogLoader.Parse("{\"sites\": [ {"));
        Assert.Equal("catalog", e.Field);
    }

    [Fact]
    public void Several_problems_are_all_reported()
    {
        var catalog = Valid();
        Site(catalog, 2)["jurisdiction"] = "ZZ";
        Site(catalog, 3)["latitude"] = -95;

        var e = Rejected(catalog);

        Assert.Equal([("edge-001", "jurisdiction"), ("edge-002", "latitude")], e.Errors.Select(x => (x.SiteId, x.Field)));
    }

    [Fact]
    public void Wrong_tier_counts_are_reported_by_the_seed_count_check()
    {
        var catalog = SiteCatalogLoader.Parse(Valid().ToJsonString());

        var errors = SiteCatalogValidator.CheckTierCounts(catalog, SiteCatalogValidator.SeedCounts);

        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Equal("sites", e.Field));
        Assert.Contains(errors, e => e.Message == "Expected 250 edge sites, found 2.");
    }

    [Fact]
    public void The_country_list_is_the_249_assigned_codes()
    {
        Assert.Equal(249, CountryCodes.All.Count);
        Assert.True(CountryCodes.IsAssigned("GH"));
        Assert.True(CountryCodes.IsAssigned("SS"));
        Assert.False(CountryCodes.IsAssigned("XK"));
        Assert.False(CountryCodes.IsAssigned("EU"));
        Assert.False(CountryCodes.IsAssigned(null));
    }
}
