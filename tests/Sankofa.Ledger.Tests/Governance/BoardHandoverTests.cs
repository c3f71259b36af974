using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Contracts;
using Nethereum.Util;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Governance;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Tests.Governance;

/// <summary>
/// A ledger started with <c>Ledger:Board</c> members: the board is deployed and recorded, every contract is handed to it,
/// the control plane's key keeps only its operational roles (the contracts refuse it anything else), and a restart finds
/// the same board without handing anything over again.
/// </summary>
public sealed class BoardHandoverTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly byte[] ControlPlaneRole = Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes("CONTROL_PLANE_ROLE"));

    [Fact]
    public async Task The_board_takes_every_contract_and_the_hot_key_keeps_only_its_operational_roles_across_a_restart()
    {
        using var dir = new TempDirectory();
        using var k1 = SigningKey.Generate();
        using var k2 = SigningKey.Generate();
        using var k3 = SigningKey.Generate();
        var settings = new Dictionary<string, string?>
        {
            ["Ledger:Board:Members:0"] = k1.Address, ["Ledger:Board:Members:1"] = k2.Address, ["Ledger:Board:Members:2"] = k3.Address,
            ["Ledger:Board:Delay"] = "00:00:00",
        };
        BoardAddresses board;
        await using (var host = await LedgerHost.CreateAsync(dir.Path, settings))
        {
            var c = host.Connection;
            board = c.Board!;
            var hot = c.SignerAddress;
            foreach (var contract in new[] { c.AuditAnchorAddress, c.ResourceRegistryAddress, c.IdentityRegistryAddress, c.BillingAddress!, c.CustodyAddress! })
            {
                Assert.False(await BoardHandover.HasRoleAsync(c.Rpc, contract, BoardDeployment.AdminRole, hot, None));
                Assert.True(await BoardHandover.HasRoleAsync(c.Rpc, contract, BoardDeployment.AdminRole, board.Timelock, None));
            }

            foreach (var pausable in new[] { c.AuditAnchorAddress, c.ResourceRegistryAddress })
            {
                Assert.False(await BoardHandover.HasRoleAsync(c.Rpc, pausable, BoardDeployment.PauserRole, hot, None));
                Assert.True(await BoardHandover.HasRoleAsync(c.Rpc, pausable, BoardDeployment.PauserRole, board.Board, None));
            }

            // Registering a site key is the board's decision too (its timelock's role); rotations stay the key's to relay.
            var siteRegistrar = BoardDeployment.Role("SITE_REGISTRAR_ROLE");
            Assert.False(await BoardHandover.HasRoleAsync(c.Rpc, c.ResourceRegistryAddress, siteRegistrar, hot, None));
            Assert.True(await BoardHandover.HasRoleAsync(c.Rpc, c.ResourceRegistryAddress, siteRegistrar, board.Timelock, None));
            Assert.True(await BoardHandover.HasRoleAsync(c.Rpc, c.ResourceRegistryAddress, ControlPlaneRole, hot, None));

            Assert.Equal(2u, await ThresholdAsync(c.Rpc, board.Board)); // a majority of three when none is set
            // The hot key can no longer grant a role or revoke a site's key: the contracts refuse it, checked with raw calls.
            var grant = await Assert.ThrowsAsync<JsonRpcException>(() => c.Rpc.CallAsync("eth_call", None, new
            {
                from = hot, to = c.ResourceRegistryAddress, data = Hex.Bytes(new GrantRoleFunction { Role = ControlPlaneRole, Account = SigningKey.Generate().Address }.GetCallData()),
            }, "latest"));
            var revoke = await Assert.ThrowsAsync<JsonRpcException>(() => c.Rpc.CallAsync("eth_call", None, new
            {
                from = hot, to = c.ResourceRegistryAddress, data = Hex.Bytes(new RevokeSiteKeyFunction { Site = LedgerIds.Of("edge-001") }.GetCallData()),
            }, "latest"));
            var unauthorized = Convert.ToHexStringLower(Abi.Selector("AccessControlUnauthorizedAccount(address,bytes32)"));
            Assert.Contains(unauthorized, grant.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(unauthorized, revoke.Message, StringComparison.OrdinalIgnoreCase);

            // Its operational roles still work: a resource transition and an anchor.
            var resources = host.Services.GetRequiredService<IResourceLedger>();
            await resources.RecordRequestedAsync("vm-" + Guid.NewGuid(), new byte[32].Select((_, i) => (byte)(i + 1)).ToArray(), None);
            Assert.Contains(host.Logs.Messages, m => m.Contains("Handed AuditAnchor, ResourceRegistry, IdentityRegistry, SankofaBilling, SankofaCustody to the board", StringComparison.Ordinal));
        }

        await using var again = await LedgerHost.CreateAsync(dir.Path, settings);

        Assert.Equal(board, again.Connection.Board);
        Assert.DoesNotContain(again.Logs.Messages, m => m.Contains("Handed", StringComparison.Ordinal) || m.Contains("Deployed SankofaBoard", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_threshold_more_members_cannot_reach_stops_start_up_naming_the_setting()
    {
        using var dir = new TempDirectory();
        var error = await Assert.ThrowsAsync<LedgerConfigurationException>(() => LedgerHost.CreateAsync(dir.Path, new Dictionary<string, string?>
        {
            ["Ledger:Board:Members:0"] = SigningKey.Generate().Address,
            ["Ledger:Board:Threshold"] = "2",
        }));

        Assert.Equal("Ledger:Board:Threshold", error.Setting);
    }

    private static async Task<uint> ThresholdAsync(JsonRpcClient rpc, string board)
    {
        var answer = await rpc.CallAsync("eth_call", None, new { to = board, data = Hex.Bytes(new ThresholdFunction().GetCallData()) }, "latest");
        return (uint)Hex.ToBigInteger(answer.GetString()!);
    }
}
