using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Contracts;
using Sankofa.Agent.Registration;
using Sankofa.Core.Agents;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Governance;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Resources;
using Sankofa.Server.Agents;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.Agents;

/// <summary>
/// A site's agent key once a board governs the contracts: approving it through the API cannot register it (the contract
/// refuses the control plane's key, and the answer says the board decides); after the board's decided proposal has
/// registered it with the agent's own proof, approving records the board's transaction. Revocation likewise.
/// </summary>
public sealed class BoardSiteKeyTests : IAsyncLifetime
{
    private readonly SigningKey _member = SigningKey.Generate();
    private readonly string _root = Directory.CreateTempSubdirectory("sankofa-board-agents-").FullName;
    private ProvisioningHarness _h = null!;

    public async Task InitializeAsync() => _h = await ProvisioningHarness.StartAsync(new Dictionary<string, string?>
    {
        ["Ledger:Board:Members:0"] = _member.Address,
        ["Ledger:Board:Delay"] = "00:00:00",
    });

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _member.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Approval_waits_for_the_boards_registration_and_then_records_its_transaction()
    {
        var server = _h.Server;
        var connection = server.Services.GetRequiredService<LedgerRuntime>().Connection;
        await connection.Rpc.CallAsync("anvil_setBalance", CancellationToken.None, _member.Address, "0x56BC75E2D63100000");
        var board = new BoardMember(connection.Rpc, connection.ChainId, _member, connection.Board!.Board);
        var registration = await AgentInit.RunAsync("edge-020", Path.Combine(_root, "agent"), ct => ChainBinding.ReadAsync(server.Anonymous, ct), TimeProvider.System, CancellationToken.None);
        using (var registered = await server.Client.PostAsJsonAsync("api/v1/sites/edge-020/agents", registration, RegistrationRequest.Json))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        var approve = $"api/v1/sites/edge-020/agents/{registration.Address}/approve";
        using (var refused = await server.Client.PostAsync(approve, null))
        {
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("AccessControlUnauthorizedAccount", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("board", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // The member proposes setSiteKey with the agent's own proof, as the API lists it; the key is then on chain.
        var agents = await server.Client.GetFromJsonAsync<AgentPageResponse>("api/v1/sites/edge-020/agents", Json.Options);
        var pending = Assert.Single(agents!.Items);
        Assert.Equal(AgentState.Pending, pending.State);
        var setSiteKey = new SetSiteKeyFunction { Site = LedgerIds.Of("edge-020"), Key = pending.Address, Proof = Convert.FromHexString(pending.Proof[2..]) }.GetCallData();
        var (id, _) = await board.ProposeAsync([new BoardCall(connection.ResourceRegistryAddress, setSiteKey)], "Register edge-020's agent", CancellationToken.None);
        var executed = await board.ExecuteAsync(id, CancellationToken.None);

        using (var approving = await server.Client.PostAsync(approve, null))
        {
            Assert.Equal(HttpStatusCode.OK, approving.StatusCode);
            var approved = await approving.Content.ReadFromJsonAsync<AgentResponse>(Json.Options);
            Assert.Equal((AgentState.Approved, executed), (approved!.State, approved.KeyTransaction));
        }

        // Revoking is the board's decision too: refused until the board's revocation has run, then recorded.
        var revoke = $"api/v1/sites/edge-020/agents/{registration.Address}/revoke";
        using (var refused = await server.Client.PostAsync(revoke, null))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("board", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var (revocation, _) = await board.ProposeAsync(
            [new BoardCall(connection.ResourceRegistryAddress, new RevokeSiteKeyFunction { Site = LedgerIds.Of("edge-020") }.GetCallData())], "Revoke edge-020's agent", CancellationToken.None);
        await board.ExecuteAsync(revocation, CancellationToken.None);
        using var revoking = await server.Client.PostAsync(revoke, null);
        Assert.Equal(HttpStatusCode.OK, revoking.StatusCode);
        Assert.Equal(AgentState.Revoked, (await revoking.Content.ReadFromJsonAsync<AgentResponse>(Json.Options))!.State);
    }
}
