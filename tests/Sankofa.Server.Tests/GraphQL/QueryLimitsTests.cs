using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.GraphQL;

/// <summary>A document over a cost limit is refused before it runs, with an error naming the limit; normal ones still run.</summary>
public class QueryLimitsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> QueryAsync(string query)
    {
        using var response = await fixture.Server.Client.PostAsJsonAsync("graphql", new { query });
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static string Nested(int depth) =>
        "{ sites(first: 500) { items { name " + string.Concat(Enumerable.Repeat("adjacent { name ", depth)) + new string('}', depth) + " } } }";

    [Fact]
    public async Task Sites_nested_eight_deep_through_adjacent_are_refused_naming_the_complexity_limit()
    {
        var (status, body) = await QueryAsync(Nested(8));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(body.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null);
        Assert.Contains("GraphQL:MaxComplexity", body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_nested_past_the_depth_limit_is_refused_naming_it()
    {
        // site(id:) is one object, so only depth grows: 17 levels of uplink.
        var query = "{ site(id: \"edge-001\") { " + string.Concat(Enumerable.Repeat("uplink { ", 16)) + "id" + new string('}', 16) + " } }";

        var (status, body) = await QueryAsync(query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("GraphQL:MaxDepth", body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_with_too_many_aliases_is_refused_naming_the_limit()
    {
        var query = "{ " + string.Concat(Enumerable.Range(0, 31).Select(i => $"a{i}: site(id: \"edge-001\") {{ id }} ")) + "}";

        var (status, body) = await QueryAsync(query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("GraphQL:MaxAliases", body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_run_before_is_refused_when_its_variables_make_it_too_costly()
    {
        // The same text, so the second request takes the parsed and validated document from the cache: the cost limit,
        // which depends on the variables, is checked again all the same.
        var query = "query($first:Int){ sites(first: $first) { items { name adjacent { name adjacent { name adjacent { name } } } } } } # " + Guid.NewGuid();
        async Task<(HttpStatusCode Status, JsonElement Body)> RunAsync(int first)
        {
            using var response = await fixture.Server.Client.PostAsJsonAsync("graphql", new { query, variables = new { first } });
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
        }

        var (status, body) = await RunAsync(1);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(1, body.GetProperty("data").GetProperty("sites").GetProperty("items").GetArrayLength());

        (status, body) = await RunAsync(500);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("GraphQL:MaxComplexity", body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);

        (status, body) = await RunAsync(2);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(2, body.GetProperty("data").GetProperty("sites").GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_document_longer_than_the_limit_is_refused_naming_it()
    {
        var (status, body) = await QueryAsync("{ sites { next } }" + new string(' ', 16_384));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("GraphQL:MaxDocumentLength", body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_page_of_sites_with_their_neighbours_and_an_introspection_still_run()
    {
        var (status, body) = await QueryAsync("{ sites(first: 500) { items { id name tier status adjacent { id name } uplink { id } } next } }");
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(325, body.GetProperty("data").GetProperty("sites").GetProperty("items").GetArrayLength());

        (status, body) = await QueryAsync(Introspection);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.False(body.TryGetProperty("errors", out _), body.ToString());
    }

    // The introspection query GraphiQL and code generators send.
    private const string Introspection = """
        query IntrospectionQuery {
          __schema {
            queryType { name } mutationType { name } subscriptionType { name }
            types { ...FullType }
            directives { name description locations args { ...InputValue } }
          }
        }
        fragment FullType on __Type {
          kind name description
          fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
          inputFields { ...InputValue }
          interfaces { ...TypeRef }
          enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
          possibleTypes { ...TypeRef }
        }
        fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
        fragment TypeRef on __Type {
          kind name
          ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
        }
        """;
}
