using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Agent.Registration;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.GraphQL;

/// <summary>Site agents through GraphQL: the same list and permission as REST, for platform roles only.</summary>
public sealed class AgentsGraphQLTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private const string Query = "query($site: String, $first: Int, $after: Long) { agents(site: $site, first: $first, after: $after) { items { siteId address state version registeredAt approvedAt lastSeenAt keyTransaction } next } }";

    private readonly string root = Directory.CreateTempSubdirectory("sankofa-agents-graphql-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private async Task<JsonElement> QueryAsync(object variables, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "graphql") { Content = JsonContent.Create(new { query = Query, variables }) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await fixture.Server.Client.SendAsync(request);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Agents_page_as_in_rest_and_a_tenant_role_gets_a_forbidden_error_and_no_data()
    {
        const string site = "edge-031";
        var addresses = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var registration = await AgentInit.RunAsync(site, Path.Combine(root, i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ct => ChainBinding.ReadAsync(fixture.Server.Anonymous, ct), TimeProvider.System, CancellationToken.None);
            using var registered = await fixture.Server.Client.PostAsJsonAsync($"api/v1/sites/{site}/agents", registration, RegistrationRequest.Json);
            Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
            addresses.Add(registration.Address.ToLowerInvariant());
        }

        var first = (await QueryAsync(new { site, first = 2 })).GetProperty("data").GetProperty("agents");
        var rest = (await QueryAsync(new { site, first = 2, after = first.GetProperty("next").GetInt64() })).GetProperty("data").GetProperty("agents");
        var items = first.GetProperty("items").EnumerateArray().Concat(rest.GetProperty("items").EnumerateArray()).ToList();
        Assert.Equal(addresses, items.Select(a => a.GetProperty("address").GetString()));
        Assert.All(items, a => Assert.Equal(("PENDING", site), (a.GetProperty("state").GetString(), a.GetProperty("siteId").GetString())));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next").ValueKind);

        var tenant = "agq-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await fixture.Server.Client.PostAsJsonAsync("api/v1/tenants", new { id = tenant, name = "Agents", quota = new { vcpu = 1, ramMiB = 1024, diskGiB = 10, vms = 1 } }))
        {
            Assert.True(created.IsSuccessStatusCode);
        }

        var (_, tenantAdmin) = await ServiceAccounts.CreateAsync(fixture.Server.Client, "tenant-admin@" + tenant);
        var refused = await QueryAsync(new { site }, tenantAdmin);
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("data").ValueKind);
        var error = refused.GetProperty("errors")[0].GetProperty("extensions");
        Assert.Equal(("FORBIDDEN", "agents.read"), (error.GetProperty("code").GetString(), error.GetProperty("data").GetProperty("permission").GetString()));

        var badSize = (await QueryAsync(new { site, first = 0 })).GetProperty("errors")[0].GetProperty("extensions");
        Assert.Equal(("BAD_USER_INPUT", "first"), (badSize.GetProperty("code").GetString(), badSize.GetProperty("data").GetProperty("argument").GetString()));
        var unknown = (await QueryAsync(new { site = "atlantis-9" })).GetProperty("errors")[0].GetProperty("extensions");
        Assert.Equal("NOT_FOUND", unknown.GetProperty("code").GetString());
    }
}
