using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sankofa.Core.Topology;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.GraphQL;

public class GraphQLEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> QueryAsync(string query, object? variables = null)
    {
        using var response = await fixture.Server.Client.PostAsJsonAsync("graphql", new { query, variables });
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task Sites_can_be_queried_with_their_links_in_one_round_trip()
    {
        var edge = SiteCatalog.Default.OfTier(SiteTier.Edge)[0];

        var (status, body) = await QueryAsync(
            "query($id: String!) { site(id: $id) { id tier capacity { vCpu } uplink { id tier uplink { tier } } adjacent { id } hosts { id status } } }",
            new { id = edge.Id });

        Assert.Equal(HttpStatusCode.OK, status);
        var site = body.GetProperty("data").GetProperty("site");
        Assert.Equal(edge.Id, site.GetProperty("id").GetString());
        Assert.Equal("EDGE", site.GetProperty("tier").GetString());
        Assert.Equal(edge.UplinkSiteId, site.GetProperty("uplink").GetProperty("id").GetString());
        Assert.Equal("REGIONAL", site.GetProperty("uplink").GetProperty("tier").GetString());
        Assert.Equal("CORE", site.GetProperty("uplink").GetProperty("uplink").GetProperty("tier").GetString());
        Assert.Equal(edge.Hosts.Count, site.GetProperty("hosts").GetArrayLength());
        Assert.Equal(edge.Hosts.Sum(h => h.Capacity.VCpu), site.GetProperty("capacity").GetProperty("vCpu").GetInt32());
    }

    [Fact]
    public async Task Site_pages_cover_the_catalog_and_filter_by_tier()
    {
        var (_, body) = await QueryAsync("{ sites(tier: CORE, first: 500) { items { id tier } next } }");

        var items = body.GetProperty("data").GetProperty("sites").GetProperty("items");
        Assert.Equal(13, items.GetArrayLength());
        Assert.All(items.EnumerateArray(), s => Assert.Equal("CORE", s.GetProperty("tier").GetString()));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("data").GetProperty("sites").GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Sites_filter_by_region_and_status_as_the_rest_api_does_and_an_unknown_jurisdiction_is_an_error_naming_it()
    {
        var region = SiteCatalog.Default.Sites[0].Region;
        using var rest = await fixture.Server.Client.GetAsync($"api/v1/sites?region={Uri.EscapeDataString(region.ToUpperInvariant())}&status=up&limit=500");
        var expected = (await rest.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();

        var (_, body) = await QueryAsync("query($r: String) { sites(region: $r, status: UP, first: 500) { items { id region status } } }", new { r = region.ToUpperInvariant() });
        var items = body.GetProperty("data").GetProperty("sites").GetProperty("items");
        Assert.NotEmpty(expected);
        Assert.Equal(expected, items.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.All(items.EnumerateArray(), s => Assert.Equal(region, s.GetProperty("region").GetString()));
        Assert.True(expected.Count < SiteCatalog.Default.Sites.Count);

        var (_, refused) = await QueryAsync("{ sites(jurisdiction: \"XX\") { items { id } } }");
        var error = refused.GetProperty("errors")[0];
        Assert.Equal("BAD_USER_INPUT", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("jurisdiction", error.GetProperty("extensions").GetProperty("data").GetProperty("argument").GetString());
    }

    [Fact]
    public async Task Audit_entries_come_with_their_seal_and_batch()
    {
        var created = await fixture.Server.RecordAsync(subject: "graphql-" + Guid.NewGuid());
        await fixture.Server.WaitAnchoredAsync(created.Id);

        var (_, body) = await QueryAsync("query($id: Long!) { auditEntry(id: $id) { id subject status seal { sequence proof } batch { root anchorBlock } } }", new { id = created.Id });

        var entry = body.GetProperty("data").GetProperty("auditEntry");
        Assert.Equal("anchored", entry.GetProperty("status").GetString());
        Assert.True(entry.GetProperty("seal").GetProperty("sequence").GetInt64() > 0);
        Assert.StartsWith("0x", entry.GetProperty("batch").GetProperty("root").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Introspection_is_on()
    {
        var (_, body) = await QueryAsync("{ __schema { queryType { name } types { name } } }");

        var types = body.GetProperty("data").GetProperty("__schema").GetProperty("types").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("Site", types);
        Assert.Contains("AuditEntry", types);
    }

    [Theory]
    [InlineData("{ sites(first: 0) { next } }", HttpStatusCode.OK, "BAD_USER_INPUT")]
    [InlineData("{ sites(tier: ORBITAL) { next } }", HttpStatusCode.BadRequest, null)]
    [InlineData("{ sites { nonsense } }", HttpStatusCode.BadRequest, null)]
    [InlineData("{ sites(", HttpStatusCode.BadRequest, "SYNTAX_ERROR")]
    public async Task A_bad_query_gets_errors_with_a_code(string query, HttpStatusCode expectedStatus, string? expectedCode)
    {
        var (status, body) = await QueryAsync(query);

        Assert.Equal(expectedStatus, status);
        var error = body.GetProperty("errors")[0];
        var code = error.GetProperty("extensions").GetProperty("code").GetString();
        Assert.False(string.IsNullOrEmpty(code));
        if (expectedCode is not null)
        {
            Assert.Equal(expectedCode, code);
        }
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_400_with_a_graphql_error()
    {
        using var content = new StringContent("{not json", Encoding.UTF8, "application/json");
        using var response = await fixture.Server.Client.PostAsync("graphql", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("BAD_REQUEST", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }
}
