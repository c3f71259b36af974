using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Nethereum.Util;
using Sankofa.Agent.Registration;
using Sankofa.Core.Agents;
using Sankofa.Core.Ledger;
using Sankofa.Server.Agents;
using Sankofa.Server.Audit;
using Sankofa.Server.Tests.Audit;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Agents;

/// <summary>The agent registry over a real server and its chain: registration with a proof of possession, lists, approval onto the chain, refusals.</summary>
public sealed class AgentsApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("sankofa-agents-").FullName;

    private TestServer Server => fixture.Server;

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>What `sankofa agent init` writes for <paramref name="site"/>: a fresh key in a directory of its own, signed for this server's chain.</summary>
    private Task<RegistrationRequest> InitAsync(string site) =>
        AgentInit.RunAsync(site, Path.Combine(root, Guid.NewGuid().ToString("N")), ct => ChainBinding.ReadAsync(Server.Anonymous, ct), TimeProvider.System, CancellationToken.None);

    private Task<HttpResponseMessage> RegisterAsync(string site, object body, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/sites/{site}/agents")
        {
            Content = new StringContent(JsonSerializer.Serialize(body, RegistrationRequest.Json), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return Server.Client.SendAsync(request);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json.Options)!;
    }

    [Fact]
    public async Task A_registration_signed_by_its_key_is_pending_until_approved_and_approval_records_the_key_on_chain_with_audit_entries()
    {
        var registration = await InitAsync("edge-010");
        var address = registration.Address.ToLowerInvariant();

        using var registered = await RegisterAsync("edge-010", registration);
        var pending = await ReadAsync<AgentResponse>(registered, HttpStatusCode.Created);
        Assert.Equal((AgentState.Pending, address, RegistrationRequest.CurrentVersion), (pending.State, pending.Address, pending.Version));
        Assert.Null(pending.LastSeenAt);

        var ofSite = await Server.Client.GetFromJsonAsync<AgentPageResponse>("api/v1/sites/edge-010/agents", Json.Options);
        Assert.Equal([address], ofSite!.Items.Select(a => a.Address));
        var all = await Server.Client.GetFromJsonAsync<AgentPageResponse>("api/v1/agents?limit=500", Json.Options);
        Assert.Contains(all!.Items, a => a.SiteId == "edge-010" && a.State == AgentState.Pending);
        Assert.NotEqual(address, await SiteKeyOnChainAsync("edge-010")); // pending: not the site's key yet

        using var approving = await Server.Client.PostAsync($"api/v1/sites/edge-010/agents/{registration.Address}/approve", null);
        var approved = await ReadAsync<AgentResponse>(approving, HttpStatusCode.OK);
        Assert.Equal(AgentState.Approved, approved.State);
        Assert.Matches("^0x[0-9a-f]{64}$", approved.KeyTransaction!);
        Assert.Equal(address, await SiteKeyOnChainAsync("edge-010"));

        // Approving again changes nothing.
        using var again = await Server.Client.PostAsync($"api/v1/sites/edge-010/agents/{address}/approve", null);
        Assert.Equal(approved.KeyTransaction, (await ReadAsync<AgentResponse>(again, HttpStatusCode.OK)).KeyTransaction);

        var audit = await Server.Client.GetFromJsonAsync<AuditPageResponse>("api/v1/audit/entries?subject=site:edge-010&limit=10", Json.Options);
        Assert.Equal(["site.agent.approved", "site.agent.registered"], audit!.Items.Select(e => e.Action));
        Assert.All(audit.Items, e => Assert.Contains(address, e.Payload, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_signature_that_does_not_recover_the_stated_address_is_a_400_naming_the_signature()
    {
        var registration = await InitAsync("edge-011");
        var other = await InitAsync("edge-011");

        using var swapped = await RegisterAsync("edge-011", registration with { Signature = other.Signature });
        await AuditApiTests.AssertProblemAsync(swapped, HttpStatusCode.BadRequest, "signature");

        // Signed for one site, presented for another: the digest names the site, so the key did not sign this.
        var forOtherSite = await InitAsync("edge-012");
        using var moved = await RegisterAsync("edge-011", forOtherSite with { SiteId = "edge-011" });
        await AuditApiTests.AssertProblemAsync(moved, HttpStatusCode.BadRequest, "signature");

        using var otherChain = await RegisterAsync("edge-011", registration with { ChainId = registration.ChainId + 1 });
        await AuditApiTests.AssertProblemAsync(otherChain, HttpStatusCode.BadRequest, "chainId");

        using var malformed = await RegisterAsync("edge-011", registration with { Signature = "0x1234" });
        await AuditApiTests.AssertProblemAsync(malformed, HttpStatusCode.BadRequest, "signature");

        var agents = await Server.Client.GetFromJsonAsync<AgentPageResponse>("api/v1/sites/edge-011/agents", Json.Options);
        Assert.Empty(agents!.Items);
    }

    [Fact]
    public async Task An_unknown_site_is_a_404_for_registration_listing_and_approval()
    {
        var registration = await InitAsync("atlantis-9");

        using var registered = await RegisterAsync("atlantis-9", registration);
        await AuditApiTests.AssertProblemAsync(registered, HttpStatusCode.NotFound, "site");
        using var listed = await Server.Client.GetAsync("api/v1/sites/atlantis-9/agents");
        await AuditApiTests.AssertProblemAsync(listed, HttpStatusCode.NotFound, "site");
        using var approved = await Server.Client.PostAsync($"api/v1/sites/atlantis-9/agents/{registration.Address}/approve", null);
        await AuditApiTests.AssertProblemAsync(approved, HttpStatusCode.NotFound, "site");
    }

    [Fact]
    public async Task A_viewer_cannot_approve_and_a_tenant_role_sees_no_agent()
    {
        var tenant = "ag-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await Server.Client.PostAsJsonAsync("api/v1/tenants", new { id = tenant, name = "Agents", quota = new { vcpu = 1, ramMiB = 1024, diskGiB = 10, vms = 1 } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var (_, viewer) = await ServiceAccounts.CreateAsync(Server.Client, "viewer@" + tenant);
        var (_, tenantAdmin) = await ServiceAccounts.CreateAsync(Server.Client, "tenant-admin@" + tenant);
        var registration = await InitAsync("edge-013");
        using (var registered = await RegisterAsync("edge-013", registration))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        using var approve = Request(HttpMethod.Post, $"api/v1/sites/edge-013/agents/{registration.Address}/approve", viewer);
        using var refused = await Server.Client.SendAsync(approve);
        await AssertForbiddenAsync(refused, "agents.approve");
        foreach (var path in new[] { "api/v1/agents", "api/v1/sites/edge-013/agents" })
        {
            using var list = Request(HttpMethod.Get, path, tenantAdmin);
            using var hidden = await Server.Client.SendAsync(list);
            await AssertForbiddenAsync(hidden, "agents.read");
        }

        using var byTenant = await RegisterAsync("edge-013", await InitAsync("edge-013"), tenantAdmin);
        await AssertForbiddenAsync(byTenant, "agents.write");

        var agents = await Server.Client.GetFromJsonAsync<AgentPageResponse>("api/v1/sites/edge-013/agents", Json.Options);
        Assert.Equal([AgentState.Pending], agents!.Items.Select(a => a.State));
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task AssertForbiddenAsync(HttpResponseMessage response, string permission)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"expected 403, got {(int)response.StatusCode}: {body}");
        Assert.Equal(permission, JsonDocument.Parse(body).RootElement.GetProperty("permission").GetString());
    }

    /// <summary>The contract's <c>siteKeyOf(keccak256(site))</c>, read through the server's public chain endpoint.</summary>
    private async Task<string> SiteKeyOnChainAsync(string site)
    {
        var ledger = await Server.Anonymous.GetFromJsonAsync<LedgerStatus>("api/v1/ledger", Json.Options);
        var keccak = Sha3Keccack.Current;
        var data = "0x" + Convert.ToHexStringLower(keccak.CalculateHash(Encoding.UTF8.GetBytes("siteKeyOf(bytes32)"))[..4])
                   + Convert.ToHexStringLower(keccak.CalculateHash(Encoding.UTF8.GetBytes(site)));
        using var response = await Server.Anonymous.PostAsJsonAsync("chain/rpc", new
        {
            jsonrpc = "2.0", id = 1, method = "eth_call", @params = new object[] { new { to = ledger!.ResourceRegistryAddress, data }, "latest" },
        });
        var result = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetString()!;
        return "0x" + result[^40..];
    }
}
