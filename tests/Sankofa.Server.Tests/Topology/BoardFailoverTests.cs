using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Governance;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Resources;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Server.Tests.Topology;

/// <summary>
/// A site failover is the board's decision (two members, k = 2): while it is only proposed, work pinned to the site
/// still goes there; once the timelock has run it, the control plane takes the site out of placement, sends its work to
/// the site that took its role and shows the decision on the site (and the moved uplink of the sites hanging off a
/// failed-over regional); the control plane's own key cannot decide one; a decided restore ends it.
/// </summary>
public sealed class BoardFailoverTests : IAsyncLifetime
{
    private readonly SigningKey[] _members = [SigningKey.Generate(), SigningKey.Generate()];
    private ProvisioningHarness _h = null!;

    public async Task InitializeAsync() => _h = await ProvisioningHarness.StartAsync(new Dictionary<string, string?>
    {
        ["Ledger:Board:Members:0"] = _members[0].Address,
        ["Ledger:Board:Members:1"] = _members[1].Address,
        ["Ledger:Board:Threshold"] = "2",
        ["Ledger:Board:Delay"] = "00:00:00",
        ["Topology:FailoverPollInterval"] = "00:00:00.200",
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
    public async Task A_failover_is_carried_out_only_once_the_boards_decision_is_on_chain_and_a_decided_restore_ends_it()
    {
        var c = _h.Server.Services.GetRequiredService<LedgerRuntime>().Connection;
        foreach (var key in _members)
        {
            await c.Rpc.CallAsync("anvil_setBalance", CancellationToken.None, key.Address, "0x56BC75E2D63100000");
        }

        var (m1, m2) = (new BoardMember(c.Rpc, c.ChainId, _members[0], c.Board!.Board), new BoardMember(c.Rpc, c.ChainId, _members[1], c.Board.Board));
        var project = await _h.NewProjectAsync();

        // The control plane's key may not decide a failover: the contract refuses it (a raw call, as cast would make it).
        var refused = await Assert.ThrowsAsync<Sankofa.Ledger.Rpc.JsonRpcException>(() => c.Rpc.CallAsync("eth_call", CancellationToken.None,
            new { from = c.SignerAddress, to = c.ResourceRegistryAddress, data = Sankofa.Ledger.Rpc.Hex.Bytes(Failover("edge-001", "edge-002")) }, "latest"));
        Assert.Contains(Convert.ToHexStringLower(Abi.Selector("AccessControlUnauthorizedAccount(address,bytes32)")), refused.Message, StringComparison.OrdinalIgnoreCase);

        // Proposed and approved by one member of two: not decided, nothing changes.
        var (id, _) = await m1.ProposeAsync(
            [new BoardCall(c.ResourceRegistryAddress, Failover("edge-001", "edge-002")), new BoardCall(c.ResourceRegistryAddress, Failover("regional-057", "regional-058"))],
            "Core drill: edge-001 out, edge-002 takes its role; regional-057's role to regional-058", CancellationToken.None);
        await _h.Server.Services.GetRequiredService<Sankofa.Server.Topology.SiteFailoverMonitor>().CatchUpAsync(CancellationToken.None); // read up to the proposal
        var before = await _h.CreateAsync(ProvisioningHarness.Vm(project, "edge-001", "before"));
        Assert.Equal("edge-001", before.Placement.SiteId);

        await m2.ApproveAsync(id, CancellationToken.None);
        var decided = await m2.ExecuteAsync(id, CancellationToken.None);

        var site = await WaitForSiteAsync("edge-001", s => s.GetProperty("statusSource").GetString() == "failover");
        Assert.Equal("down", site.GetProperty("status").GetString());
        Assert.Equal(("edge-002", decided), (site.GetProperty("failover").GetProperty("toSiteId").GetString(), site.GetProperty("failover").GetProperty("transaction").GetString()));
        var hangingOff = await _h.Server.Client.GetFromJsonAsync<JsonElement>("api/v1/sites/edge-001");
        Assert.Equal("regional-058", hangingOff.GetProperty("uplink").GetString()); // edge-001 hangs off regional-057, whose role moved

        var after = await _h.CreateAsync(ProvisioningHarness.Vm(project, "edge-001", "after"));
        Assert.Equal("edge-002", after.Placement.SiteId);
        Assert.Contains("Site edge-001 was failed over to edge-002 by a decision on chain", after.Placement.Failover, StringComparison.Ordinal);
        Assert.StartsWith("Site edge-001 was failed over to edge-002", after.Placement.Reason, StringComparison.Ordinal);

        // A decided restore ends it: the site takes its own work again.
        var (restore, _) = await m1.ProposeAsync([new BoardCall(c.ResourceRegistryAddress, Restore("edge-001"))], "Drill over: edge-001 back", CancellationToken.None);
        await m2.ApproveAsync(restore, CancellationToken.None);
        await m2.ExecuteAsync(restore, CancellationToken.None);
        await WaitForSiteAsync("edge-001", s => s.GetProperty("statusSource").GetString() != "failover");
        var restored = await _h.CreateAsync(ProvisioningHarness.Vm(project, "edge-001", "restored"));
        Assert.Equal("edge-001", restored.Placement.SiteId);
    }

    private static byte[] Failover(string site, string to) =>
        [.. Abi.Selector("failover(bytes32,bytes32)"), .. LedgerIds.Of(site), .. LedgerIds.Of(to)];

    private static byte[] Restore(string site) => [.. Abi.Selector("restore(bytes32)"), .. LedgerIds.Of(site)];

    private async Task<JsonElement> WaitForSiteAsync(string siteId, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var site = await _h.Server.Client.GetFromJsonAsync<JsonElement>($"api/v1/sites/{siteId}");
            if (done(site))
            {
                return site;
            }

            Assert.True(DateTime.UtcNow < deadline, $"site {siteId} never reached the expected state: {site}");
            await Task.Delay(100);
        }
    }
}
