using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Contracts;
using Sankofa.Core.Provisioning;
using Sankofa.Ledger.Governance;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Resources;
using Sankofa.Server.Provisioning;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.Resilience;

/// <summary>
/// A server whose contracts belong to a board (Ledger:Board): a member pauses ResourceRegistry at once; the control plane
/// keeps accepting VMs, holds their chain steps (neither failing nor rolling them back, however many retries), and once the
/// board's unpause has run, every VM goes on to Verified with one VM each on its site.
/// </summary>
public sealed class BoardPauseTests : IAsyncLifetime
{
    private readonly SigningKey[] _members = [SigningKey.Generate(), SigningKey.Generate()];
    private ProvisioningHarness _h = null!;

    public async Task InitializeAsync() => _h = await ProvisioningHarness.StartAsync(new Dictionary<string, string?>
    {
        ["Ledger:Board:Members:0"] = _members[0].Address,
        ["Ledger:Board:Members:1"] = _members[1].Address,
        ["Ledger:Board:Threshold"] = "1",
        ["Ledger:Board:Delay"] = "00:00:00",
    });

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        foreach (var key in _members)
        {
            key.Dispose();
        }
    }

    [Fact]
    public async Task Paused_by_a_member_the_control_plane_keeps_accepting_holds_its_chain_steps_and_drains_after_the_boards_unpause()
    {
        var connection = _h.Server.Services.GetRequiredService<LedgerRuntime>().Connection;
        var board = connection.Board!;
        foreach (var key in _members)
        {
            await connection.Rpc.CallAsync("anvil_setBalance", CancellationToken.None, key.Address, "0x56BC75E2D63100000");
        }

        var member = new BoardMember(connection.Rpc, connection.ChainId, _members[0], board.Board);

        // A site key is the board's decision once it governs: the emulated sites' keys (the files SiteAttestor signs with,
        // made here as the operator of the emulated sites would) are registered by a decided proposal, not by the server.
        var registrations = new List<BoardCall>();
        foreach (var site in ProvisioningHarness.Sites[..2])
        {
            using var siteKey = SigningKey.Generate();
            Directory.CreateDirectory(Path.Combine(_h.DataDirectory, "sites"));
            await File.WriteAllTextAsync(Path.Combine(_h.DataDirectory, "sites", site + ".key"), Convert.ToHexStringLower(siteKey.ExportSecret()));
            var proof = SiteKeyRegistration.Prove(siteKey.ExportSecret(), connection.ResourceRegistryAddress, connection.ChainId, site);
            registrations.Add(new BoardCall(connection.ResourceRegistryAddress,
                new SetSiteKeyFunction { Site = LedgerIds.Of(site), Key = siteKey.Address, Proof = proof }.GetCallData()));
        }

        var (registered, _) = await member.ProposeAsync(registrations, "Register the emulated sites' keys", CancellationToken.None);
        await member.ExecuteAsync(registered, CancellationToken.None);

        await member.EmergencyPauseAsync(connection.ResourceRegistryAddress, CancellationToken.None);

        var project = await _h.NewProjectAsync();
        var accepted = new List<ResourceResponse>();
        for (var i = 0; i < 3; i++)
        {
            accepted.Add(await _h.CreateAsync(ProvisioningHarness.Vm(project, ProvisioningHarness.Sites[i % 2], $"paused-{i}")));
        }

        // Past the point where MaxAttempts (8) failures of a step would have rolled a resource back: each has been retried
        // more than that, and is still waiting for the chain, not failed.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var all = await Task.WhenAll(accepted.Select(a => _h.GetAsync(a.Id)));
            Assert.All(all, r => Assert.NotEqual(ResourceStatus.Failed, r.Status));
            Assert.All(all, r => Assert.Equal(DesiredState.Present, r.Desired));
            if (all.All(r => r.Events!.Count(e => e.Kind == "retry.scheduled") >= 8))
            {
                Assert.All(all, r => Assert.Contains(r.Events!, e => e.Message.Contains("paused", StringComparison.Ordinal)));
                Assert.All(all, r => Assert.Equal(ResourceStatus.Requested, r.Status));
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the resources were not retried while the registry was paused");
            await Task.Delay(200);
        }

        var (id, _) = await member.ProposeAsync(
            [new BoardCall(connection.ResourceRegistryAddress, new UnpauseFunction().GetCallData())], "Resume ResourceRegistry after the drill", CancellationToken.None);
        await member.ExecuteAsync(id, CancellationToken.None);

        foreach (var resource in accepted)
        {
            var done = await _h.WaitForAsync(resource.Id, ResourceStatus.Verified, TimeSpan.FromSeconds(60));
            Assert.True(done.OnChain!.Verified);
            Assert.Single(_h.VmsOf(resource.Placement.SiteId, resource.Id));
        }

        // Anyone reads the board and what it decided, without signing in.
        using var anonymous = new HttpClient { BaseAddress = _h.Server.Address };
        var governance = await anonymous.GetFromJsonAsync<JsonElement>("api/v1/governance");
        var decided = governance.GetProperty("proposals")[0];
        Assert.Equal(2, governance.GetProperty("board").GetProperty("members").GetArrayLength());
        Assert.Equal(board.Timelock, governance.GetProperty("board").GetProperty("timelock").GetString(), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(("0x" + Convert.ToHexStringLower(id), "executed"), (decided.GetProperty("id").GetString(), decided.GetProperty("state").GetString()));
        Assert.Equal(connection.ResourceRegistryAddress, decided.GetProperty("calls")[0].GetProperty("target").GetString(), StringComparer.OrdinalIgnoreCase);
        using var bad = await anonymous.GetAsync("api/v1/governance?limit=0");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("limit", out _));
    }
}
