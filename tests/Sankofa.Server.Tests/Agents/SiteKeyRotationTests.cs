using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Util;
using Sankofa.Agent.Keys;
using Sankofa.Agent.LightClient;
using Sankofa.Agent.Link;
using Sankofa.Agent.Protocol;
using Sankofa.Agent.Registration;
using Sankofa.Core.Agents;
using Sankofa.Core.Ledger;
using Sankofa.Server.Agents;
using Sankofa.Server.AgentLink;
using Sankofa.Server.Audit;
using Sankofa.Server.Tests.AgentLink;
using Sankofa.Server.Tests.Audit;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Agents;

/// <summary>
/// A site's key rotated and revoked end to end: the agent's files, the REST API, the contract on the embedded chain, and
/// the link, which follows the key the chain records (the new key links, the old and the revoked one are refused).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SiteKeyRotationTests(AgentLinkFixture fixture) : IClassFixture<AgentLinkFixture>, IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("sankofa-rotation-").FullName;

    private TestServer Server => fixture.Server;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private Task<ChainBinding> ChainAsync(CancellationToken ct) => ChainBinding.ReadAsync(Server.Anonymous, ct);

    /// <summary>`agent init`, `sites agents register` and `approve`: a site whose agent's key is approved on chain.</summary>
    private async Task<string> ApprovedAgentAsync(string site)
    {
        var directory = Path.Combine(root, site);
        var registration = await AgentInit.RunAsync(site, directory, ChainAsync, TimeProvider.System, CancellationToken.None);
        using (var registered = await Server.Client.PostAsJsonAsync($"api/v1/sites/{site}/agents", registration, RegistrationRequest.Json))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        using var approved = await Server.Client.PostAsync($"api/v1/sites/{site}/agents/{registration.Address}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        return directory;
    }

    private Task<HttpResponseMessage> SubmitAsync(string site, RotationRequest rotation) =>
        Server.Client.PostAsJsonAsync($"api/v1/sites/{site}/agents/rotations", rotation, RotationRequest.Json);

    [Fact]
    public async Task A_rotation_signed_by_the_old_key_moves_the_site_to_the_new_key_on_chain_the_link_follows_and_a_revocation_takes_it_off()
    {
        const string site = "edge-021";
        var directory = await ApprovedAgentAsync(site);
        var old = SiteKey.LoadFrom(directory);
        var (clientId, secret) = await ServiceAccounts.CreateClientAsync(Server.Client, "site-agent@" + site);

        var rotation = await AgentRotate.RunAsync(directory, ChainAsync, TimeProvider.System, CancellationToken.None);

        // At the site: a second key beside the first, 0600, and the old key untouched and still the site's.
        var next = SiteKey.LoadNextFrom(directory);
        Assert.Equal((next.Address, old.Address), (rotation.Address, rotation.PreviousAddress));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SiteKey.PathIn(directory, SiteKey.NextFileName)));
        Assert.Equal(old.Address, SiteKey.LoadFrom(directory).Address);
        Assert.Equal(rotation, JsonSerializer.Deserialize<RotationRequest>(File.ReadAllText(Path.Combine(directory, RotationRequest.FileName)), RotationRequest.Json));
        await Assert.ThrowsAsync<IOException>(() => AgentRotate.RunAsync(directory, ChainAsync, TimeProvider.System, CancellationToken.None));

        // The offline digest is the contract's own siteKeyRotationDigest.
        var offline = SiteKeyRotationDigest.Compute(rotation.Registry, rotation.ChainId, site, old.Address, next.Address);
        Assert.Equal("0x" + Convert.ToHexStringLower(offline),
            await CallAsync("siteKeyRotationDigest(bytes32,address,address)", Keccak(site), Word(old.Address), Word(next.Address)));

        using (var submitted = await SubmitAsync(site, rotation))
        {
            var pending = await ReadAsync<AgentResponse>(submitted, HttpStatusCode.Created);
            Assert.Equal((AgentState.Pending, old.Address.ToLowerInvariant()), (pending.State, pending.RotatesFrom));
        }

        Assert.Equal(old.Address.ToLowerInvariant(), await SiteKeyOnChainAsync(site)); // pending: the chain has not moved

        // The agent as `agent run` makes it: its key from its directory, following a rotation the chain records.
        var binding = await ChainAsync(CancellationToken.None);
        var chainRpc = new Uri(Server.Client.BaseAddress!, "chain/rpc");
        using var rpc = new ChainRpcClient(chainRpc, TimeSpan.FromSeconds(30));
        var head = await rpc.GetBlockHeaderAsync(null, CancellationToken.None);
        var chainOptions = Microsoft.Extensions.Options.Options.Create(new LightClientOptions
        {
            RpcUrl = chainRpc, ChainId = binding.ChainId, CheckpointNumber = head.Number, CheckpointHash = "0x" + Convert.ToHexStringLower(head.ClaimedHash),
        });
        var light = new ChainLightClient(rpc, new HeaderVerifier(rpc, chainOptions, NullLogger<HeaderVerifier>.Instance), chainOptions);
        var keys = SiteKeys.LoadFrom(directory, light, binding.Registry, site, NullLogger<SiteKeys>.Instance);
        await using var agent = Run(site, clientId, secret, keys);
        await RunningAgent.WaitAsync(() => agent.Client.State, s => s.Status == LinkStatus.Connected, "the agent never linked with the old key");
        Assert.False(await keys.SwitchIfRotatedAsync(CancellationToken.None)); // not approved yet: the old key stays

        using (var approving = await Server.Client.PostAsync($"api/v1/sites/{site}/agents/{next.Address}/approve", null))
        {
            var approved = await ReadAsync<AgentResponse>(approving, HttpStatusCode.OK);
            Assert.Equal(AgentState.Approved, approved.State);
        }

        // The control plane ends the old key's link; the agent proves the chain records its next key, moves it over the
        // old one and links with it.
        await RunningAgent.WaitAsync(() => (keys.Current.Address, agent.Client.State.Status), s => s == (next.Address, LinkStatus.Connected), "the agent never switched to the new key");
        Assert.False(File.Exists(SiteKey.PathIn(directory, SiteKey.NextFileName)));
        Assert.Equal(next.Address, SiteKey.LoadFrom(directory).Address);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SiteKey.PathIn(directory)));
        await agent.DisposeAsync();

        Assert.Equal(next.Address.ToLowerInvariant(), await SiteKeyOnChainAsync(site));
        var agents = (await Server.Client.GetFromJsonAsync<AgentPageResponse>($"api/v1/sites/{site}/agents", Json.Options))!.Items;
        var retired = Assert.Single(agents, a => a.Address == old.Address.ToLowerInvariant());
        Assert.Equal(AgentState.Rotated, retired.State);
        Assert.Equal(agents.Single(a => a.State == AgentState.Approved).KeyTransaction, retired.RetireTransaction);

        // The old key (a copy kept elsewhere) is refused from now on.
        await using (var withOld = Run(site, clientId, secret, old))
        {
            var refused = await RunningAgent.WaitAsync(() => withOld.Client.State, s => s.LastError is not null, "the old key was never refused");
            Assert.Contains("not signed by the key the chain records for site " + site, refused.LastError, StringComparison.Ordinal);
        }

        var current = SiteKey.LoadFrom(directory);

        // Retiring the site: the administrator revokes its key, on chain.
        using (var revoking = await Server.Client.PostAsync($"api/v1/sites/{site}/agents/{current.Address}/revoke", null))
        {
            var revoked = await ReadAsync<AgentResponse>(revoking, HttpStatusCode.OK);
            Assert.Equal(AgentState.Revoked, revoked.State);
            Assert.Matches("^0x[0-9a-f]{64}$", revoked.RetireTransaction!);
            Assert.NotNull(revoked.RetireBlock);
        }

        Assert.Equal("0x" + new string('0', 40), await SiteKeyOnChainAsync(site));
        await using (var revokedLink = Run(site, clientId, secret, current))
        {
            var refused = await RunningAgent.WaitAsync(() => revokedLink.Client.State, s => s.LastError is not null, "the revoked key was never refused");
            Assert.Contains($"Site {site} has no key on chain", refused.LastError, StringComparison.Ordinal);
        }

        Assert.Null(Server.Services.GetRequiredService<ConnectedAgents>().Find(site));
        var audit = await Server.Client.GetFromJsonAsync<AuditPageResponse>($"api/v1/audit/entries?subject=site:{site}&limit=10", Json.Options);
        Assert.Equal(["site.agent.revoked", "site.agent.rotated", "site.agent.rotation-requested", "site.agent.approved", "site.agent.registered"],
            audit!.Items.Select(e => e.Action));
    }

    [Fact]
    public async Task A_rotation_at_fault_is_a_400_or_409_naming_the_field_and_changes_nothing()
    {
        const string site = "edge-022";
        var directory = await ApprovedAgentAsync(site);
        var rotation = await AgentRotate.RunAsync(directory, ChainAsync, TimeProvider.System, CancellationToken.None);
        var stranger = await AgentInit.RunAsync(site, Path.Combine(root, "stranger"), ChainAsync, TimeProvider.System, CancellationToken.None);
        // The stranger's own key hands the site to the new key: a valid signature, but not by the site's key.
        var strangerKey = SiteKey.LoadFrom(Path.Combine(root, "stranger"));
        var strangerConsent = "0x" + Convert.ToHexStringLower(strangerKey.Sign(
            SiteKeyRotationDigest.Compute(rotation.Registry, rotation.ChainId, site, rotation.PreviousAddress, rotation.Address)));

        var cases = new (RotationRequest Body, HttpStatusCode Status, string Field)[]
        {
            (rotation with { RotationSignature = strangerConsent }, HttpStatusCode.BadRequest, "rotationSignature"),
            (rotation with { RotationSignature = rotation.Signature }, HttpStatusCode.BadRequest, "rotationSignature"), // a proof of possession is no consent
            (rotation with { Signature = stranger.Signature }, HttpStatusCode.BadRequest, "signature"),
            (rotation with { PreviousAddress = "0x1234" }, HttpStatusCode.BadRequest, "previousAddress"),
            (rotation with { PreviousAddress = stranger.Address, RotationSignature = strangerConsent }, HttpStatusCode.Conflict, "previousAddress"),
            (rotation with { ChainId = rotation.ChainId + 1 }, HttpStatusCode.BadRequest, "chainId"),
            (rotation with { SiteId = "edge-023" }, HttpStatusCode.BadRequest, "siteId"),
        };
        foreach (var (body, status, field) in cases)
        {
            using var refused = await SubmitAsync(site, body);
            await AuditApiTests.AssertProblemAsync(refused, status, field);
        }

        using (var unknownSite = await SubmitAsync("atlantis-9", rotation))
        {
            await AuditApiTests.AssertProblemAsync(unknownSite, HttpStatusCode.NotFound, "site");
        }

        var agents = (await Server.Client.GetFromJsonAsync<AgentPageResponse>($"api/v1/sites/{site}/agents", Json.Options))!.Items;
        Assert.Equal([AgentState.Approved], agents.Select(a => a.State));
    }

    [Fact]
    public async Task A_pending_agent_revoked_is_refused_for_good_without_a_transaction_and_a_viewer_cannot_revoke()
    {
        const string site = "edge-024";
        var registration = await AgentInit.RunAsync(site, Path.Combine(root, site), ChainAsync, TimeProvider.System, CancellationToken.None);
        using (var registered = await Server.Client.PostAsJsonAsync($"api/v1/sites/{site}/agents", registration, RegistrationRequest.Json))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        var (_, auditor) = await ServiceAccounts.CreateAsync(Server.Client, "auditor");
        using var byAuditor = new HttpRequestMessage(HttpMethod.Post, $"api/v1/sites/{site}/agents/{registration.Address}/revoke");
        byAuditor.Headers.Authorization = new("Bearer", auditor);
        using (var forbidden = await Server.Client.SendAsync(byAuditor))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        using (var revoking = await Server.Client.PostAsync($"api/v1/sites/{site}/agents/{registration.Address}/revoke", null))
        {
            var revoked = await ReadAsync<AgentResponse>(revoking, HttpStatusCode.OK);
            Assert.Equal((AgentState.Revoked, null), (revoked.State, revoked.RetireTransaction));
        }

        using var approving = await Server.Client.PostAsync($"api/v1/sites/{site}/agents/{registration.Address}/approve", null);
        await AuditApiTests.AssertProblemAsync(approving, HttpStatusCode.Conflict, "address");
        Assert.Equal("0x" + new string('0', 40), await SiteKeyOnChainAsync(site));
    }

    private RunningAgent Run(string site, string clientId, string secret, SiteKey key) => Run(site, clientId, secret, SiteKeys.Fixed(key));

    private RunningAgent Run(string site, string clientId, string secret, SiteKeys keys)
    {
        var options = new AgentLinkClientOptions { Site = site, ClientId = clientId, ClientSecret = secret, MinRetryDelay = TimeSpan.FromSeconds(5) };
        options.Servers.Add(Server.Services.GetRequiredService<AgentLinkEndpoint>().Address!);
        return new RunningAgent(new AgentLinkClient(options, keys, TimeProvider.System, NullLogger<AgentLinkClient>.Instance));
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json.Options)!;
    }

    private async Task<string> SiteKeyOnChainAsync(string site) => "0x" + (await CallAsync("siteKeyOf(bytes32)", Keccak(site)))[^40..];

    /// <summary>An eth_call of the ResourceRegistry on the server's own chain; returns the 0x result.</summary>
    private async Task<string> CallAsync(string signature, params string[] words)
    {
        var ledger = await Server.Anonymous.GetFromJsonAsync<LedgerStatus>("api/v1/ledger", Json.Options);
        var data = "0x" + Convert.ToHexStringLower(Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(signature))[..4]) + string.Concat(words);
        var result = await Server.CallChainAsync("eth_call", new { to = ledger!.ResourceRegistryAddress, data }, "latest");
        return result.GetString()!;
    }

    private static string Keccak(string text) => Convert.ToHexStringLower(Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(text)));

    private static string Word(string address) => new string('0', 24) + address[2..].ToLowerInvariant();
}
