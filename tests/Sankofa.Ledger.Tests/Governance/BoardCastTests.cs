using Sankofa.Ledger.Governance;
using Sankofa.Ledger.Keys;
using Sankofa.TestSupport;

namespace Sankofa.Ledger.Tests.Governance;

/// <summary>
/// The board's rules checked the way an outsider would, with Foundry's own <c>cast</c> and the chain alone — no class of
/// this project signs or reads anything here. A ledger whose contracts a board of three governs (k = 2, emergency 1, a
/// one-hour delay): a non-member cannot propose; k − 1 approvals do not run a proposal; the timelock holds a decided one
/// until its delay has passed; the control plane's key is refused what the board decides (site keys, failovers,
/// upgrades, roles); one member pauses at once and unpausing takes a decision; the proxies and their history read back.
/// </summary>
public sealed class BoardCastTests
{
    [Fact]
    public async Task Every_rule_of_the_board_holds_when_checked_and_driven_with_cast_alone()
    {
        using var dir = new TempDirectory();
        using var k1 = SigningKey.Generate();
        using var k2 = SigningKey.Generate();
        using var k3 = SigningKey.Generate();
        using var outsider = SigningKey.Generate();
        await using var host = await LedgerHost.CreateAsync(dir.Path, new Dictionary<string, string?>
        {
            ["Ledger:Board:Members:0"] = k1.Address, ["Ledger:Board:Members:1"] = k2.Address, ["Ledger:Board:Members:2"] = k3.Address,
            ["Ledger:Board:Threshold"] = "2", ["Ledger:Board:EmergencyThreshold"] = "1", ["Ledger:Board:Delay"] = "01:00:00",
        });
        var c = host.Connection;
        var rpc = c.RpcUrl.LocalPath; // the embedded chain's IPC socket
        var (board, timelock, registry, hot) = (c.Board!.Board, c.Board.Timelock, c.ResourceRegistryAddress, c.SignerAddress);
        string Key(SigningKey k) => "0x" + Convert.ToHexStringLower(k.ExportSecret());
        Task<string> Call(params string[] args) => Cast.RunAsync(["call", .. args, "--rpc-url", rpc]);
        Task<string> Send(SigningKey from, params string[] args) => Cast.RunAsync(["send", "--private-key", Key(from), .. args, "--rpc-url", rpc]);
        async Task<string> Keccak(string text) => await Cast.RunAsync("keccak", text);

        // The board as the chain holds it.
        var members = await Call(board, "members()(address[])");
        Assert.All(new[] { k1, k2, k3 }, k => Assert.Contains(k.Address, members, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("2", await Call(board, "threshold()(uint32)"));
        Assert.Equal("3600", await Call(timelock, "getMinDelay()(uint256)"));
        Assert.Equal("true", await Call(registry, "hasRole(bytes32,address)(bool)", "0x" + new string('0', 64), timelock));
        Assert.Equal("false", await Call(registry, "hasRole(bytes32,address)(bool)", "0x" + new string('0', 64), hot));
        Assert.Equal("false", await Call(registry, "hasRole(bytes32,address)(bool)", await Keccak("SITE_REGISTRAR_ROLE"), hot));
        Assert.Equal("true", await Call(registry, "hasRole(bytes32,address)(bool)", await Keccak("CONTROL_PLANE_ROLE"), hot));

        // The control plane's key is refused every decision the board makes.
        var (edge1, edge2) = (await Keccak("edge-001"), await Keccak("edge-002"));
        var failover = await Cast.RunAsync("calldata", "failover(bytes32,bytes32)", edge1, edge2);
        foreach (var refused in new[]
        {
            failover,
            await Cast.RunAsync("calldata", "setSiteKey(bytes32,address,bytes)", edge1, outsider.Address, "0x" + new string('0', 130)),
            await Cast.RunAsync("calldata", "grantRole(bytes32,address)", await Keccak("CONTROL_PLANE_ROLE"), outsider.Address),
            await Cast.RunAsync("calldata", "upgradeToAndCall(address,bytes)", outsider.Address, "0x"),
        })
        {
            var error = await Assert.ThrowsAsync<CastException>(() => Cast.RunAsync("call", "--from", hot, registry, refused, "--rpc-url", rpc));
            Assert.Contains("0xe2517d3f", error.Message, StringComparison.Ordinal); // AccessControlUnauthorizedAccount(address,bytes32)
        }

        // A non-member cannot propose (funded, so only the board's rule stops it).
        await Cast.RunAsync("rpc", "anvil_setBalance", outsider.Address, "0x56BC75E2D63100000", "--rpc-url", rpc);
        const string Description = "core drill: edge-001 out, edge-002 takes its role";
        var propose = new[] { board, "propose(address[],uint256[],bytes[],string)", $"[{registry}]", "[0]", $"[{failover}]", Description };
        await Assert.ThrowsAsync<CastException>(() => Send(outsider, propose));

        // A member proposes; one approval of two runs nothing.
        await Send(k1, propose);
        var id = await Keccak(await Cast.RunAsync("abi-encode", "f(address[],uint256[],bytes[],bytes32)", $"[{registry}]", "[0]", $"[{failover}]", await Keccak(Description)));
        Assert.Equal(id, await Call(board, "hashProposal(address[],uint256[],bytes[],bytes32)(bytes32)", $"[{registry}]", "[0]", $"[{failover}]", await Keccak(Description)));
        Assert.Equal(["1", "1"], (await Call(board, "proposalOf(bytes32)(address,uint8,uint32,address[],uint256[],bytes[])", id)).Split('\n')[1..3]); // pending, 1 approval
        await Assert.ThrowsAsync<CastException>(() => Send(k3, board, "execute(bytes32)", id));

        // The second approval queues it; the timelock holds it until the delay has passed, then anyone may run it.
        await Send(k2, board, "approve(bytes32)", id);
        Assert.Equal("2", (await Call(board, "proposalOf(bytes32)(address,uint8,uint32,address[],uint256[],bytes[])", id)).Split('\n')[1]); // queued
        await Assert.ThrowsAsync<CastException>(() => Send(k3, board, "execute(bytes32)", id));
        Assert.Equal("0x" + new string('0', 64), await Call(registry, "failoverOf(bytes32)(bytes32)", edge1));
        await Cast.RunAsync("rpc", "evm_increaseTime", "3601", "--rpc-url", rpc);
        await Cast.RunAsync("rpc", "evm_mine", "--rpc-url", rpc);
        await Send(outsider, board, "execute(bytes32)", id);
        Assert.Equal("3", (await Call(board, "proposalOf(bytes32)(address,uint8,uint32,address[],uint256[],bytes[])", id)).Split('\n')[1]); // executed
        Assert.Equal(edge2, await Call(registry, "failoverOf(bytes32)(bytes32)", edge1));
        var decided = await Cast.RunAsync("logs", "--address", registry, "SiteFailedOver(bytes32 indexed,bytes32 indexed)", "--from-block", "0", "--rpc-url", rpc);
        Assert.Contains(edge1, decided, StringComparison.Ordinal);

        // One member pauses at once; unpausing is a decision.
        await Send(k1, board, "emergencyPause(address)", registry);
        Assert.Equal("true", await Call(registry, "paused()(bool)"));
        await Assert.ThrowsAsync<CastException>(() => Send(k1, registry, "unpause()"));
        var unpause = await Cast.RunAsync("calldata", "unpause()");
        await Send(k1, board, "propose(address[],uint256[],bytes[],string)", $"[{registry}]", "[0]", $"[{unpause}]", "resume");
        var resume = await Call(board, "hashProposal(address[],uint256[],bytes[],bytes32)(bytes32)", $"[{registry}]", "[0]", $"[{unpause}]", await Keccak("resume"));
        await Send(k3, board, "approve(bytes32)", resume);
        await Cast.RunAsync("rpc", "evm_increaseTime", "3601", "--rpc-url", rpc);
        await Cast.RunAsync("rpc", "evm_mine", "--rpc-url", rpc);
        await Send(k2, board, "execute(bytes32)", resume);
        Assert.Equal("false", await Call(registry, "paused()(bool)"));

        // Behind a proxy: the implementation in the EIP-1967 slot, its history in Upgraded events.
        var slot = await Cast.RunAsync("storage", registry, "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc", "--rpc-url", rpc);
        var implementation = "0x" + slot[^40..];
        Assert.NotEqual("0x", await Cast.RunAsync("code", implementation, "--rpc-url", rpc));
        Assert.Contains(implementation[2..], await Cast.RunAsync("logs", "--address", registry, "Upgraded(address indexed)", "--from-block", "0", "--rpc-url", rpc),
            StringComparison.OrdinalIgnoreCase);
    }
}
