using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.ABI;
using Nethereum.Contracts;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Governance;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Tests.Governance;

/// <summary>
/// What only the board may do once it governs (three members, k = 2, a one-hour timelock; time moved on with anvil's
/// evm_increaseTime on a chain of this test's own): register a site key, and upgrade ResourceRegistry behind its ERC-1967
/// proxy to a later implementation (contracts/test/ResourceRegistryV2.sol), which keeps every resource and site key. The
/// control plane's key is refused both, checked with raw calls as `cast` would make them.
/// </summary>
public sealed class BoardUpgradeTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly string Unauthorized = Convert.ToHexStringLower(Abi.Selector("AccessControlUnauthorizedAccount(address,bytes32)"));

    [Fact]
    public async Task Only_the_board_through_its_timelock_registers_a_site_key_and_upgrades_the_registry_whose_state_survives()
    {
        using var dir = new TempDirectory();
        using var k1 = SigningKey.Generate();
        using var k2 = SigningKey.Generate();
        using var k3 = SigningKey.Generate();
        using var site = SigningKey.Generate();
        await using var host = await LedgerHost.CreateAsync(dir.Path, new Dictionary<string, string?>
        {
            ["Ledger:Board:Members:0"] = k1.Address, ["Ledger:Board:Members:1"] = k2.Address, ["Ledger:Board:Members:2"] = k3.Address,
            ["Ledger:Board:Threshold"] = "2", ["Ledger:Board:Delay"] = "01:00:00",
        });
        var c = host.Connection;
        var board = c.Board!;
        var registry = c.ResourceRegistryAddress;
        var (m1, m2) = (new BoardMember(c.Rpc, c.ChainId, k1, board.Board), new BoardMember(c.Rpc, c.ChainId, k2, board.Board));
        var resources = host.Services.GetRequiredService<IResourceLedger>();
        var resourceId = "vm-" + Guid.NewGuid();
        var specHash = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        await resources.RecordRequestedAsync(resourceId, specHash, None);
        var implementation = await Erc1967.ImplementationAsync(c.Rpc, registry, None);
        Assert.NotNull(implementation); // deployed behind a proxy

        // A site key: the control plane's key may no longer register one (the contract refuses it), the board may.
        var proof = SiteKeyRegistration.Prove(site.ExportSecret(), registry, c.ChainId, "edge-007");
        var setSiteKey = new SetSiteKeyFunction { Site = LedgerIds.Of("edge-007"), Key = site.Address, Proof = proof }.GetCallData();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => resources.RegisterSiteKeyAsync("edge-007", site.Address, proof, None));
        Assert.Contains("AccessControlUnauthorizedAccount", refused.Message, StringComparison.Ordinal);
        Assert.Contains(Unauthorized, (await RawCallRefusedAsync(c, c.SignerAddress, registry, setSiteKey)).Message, StringComparison.OrdinalIgnoreCase);
        var registration = await DecideAsync(c, m1, m2, [new BoardCall(registry, setSiteKey)], "Register edge-007's agent key");
        Assert.Equal(site.Address.ToLowerInvariant(), await resources.GetSiteKeyAsync("edge-007", None));
        var found = await resources.FindSiteKeyRegistrationAsync("edge-007", site.Address, None);
        Assert.Equal(registration, found?.TransactionHash); // the board's execution, which the control plane records on approval
        Assert.Null(await resources.FindSiteKeyRegistrationAsync("edge-008", site.Address, None));

        // An upgrade: the new implementation is deployed by anyone (here the control plane's key), but only the timelock installs it.
        var v2 = await DeployAsync(c, Path.Combine(RepositoryRoot.Find(), "contracts", "build", "test", "ResourceRegistryV2.json"));
        var upgrade = UpgradeCall(v2);
        Assert.Contains(Unauthorized, (await RawCallRefusedAsync(c, c.SignerAddress, registry, upgrade)).Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Unauthorized, (await RawCallRefusedAsync(c, k1.Address, registry, upgrade)).Message, StringComparison.OrdinalIgnoreCase); // a member alone neither
        await RawCallRefusedAsync(c, c.SignerAddress, registry, VersionCall); // V1 has no version()

        await DecideAsync(c, m1, m2, [new BoardCall(registry, upgrade)], "Upgrade ResourceRegistry to V2");

        Assert.Equal(v2, await Erc1967.ImplementationAsync(c.Rpc, registry, None), ignoreCase: true);
        Assert.NotEqual(implementation, v2, StringComparer.OrdinalIgnoreCase);
        var version = await c.Rpc.CallAsync("eth_call", None, new { to = registry, data = Hex.Bytes(VersionCall) }, "latest");
        Assert.Equal(2, (int)Hex.ToBigInteger(version.GetString()!));
        var kept = await ResourceRegistryCalls.GetAsync(c.Rpc, registry, resourceId, None);
        Assert.Equal(OnChainResourceState.Requested, kept!.State);
        Assert.Equal(specHash, kept.SpecHash);
        Assert.Equal(site.Address.ToLowerInvariant(), await resources.GetSiteKeyAsync("edge-007", None));
        var upgraded = await c.Rpc.CallAsync("eth_getLogs", None, new { address = registry, fromBlock = "0x0", toBlock = "latest", topics = new[] { Hex.Bytes(Abi.Topic("Upgraded(address)")) } });
        Assert.Equal(2, upgraded.GetArrayLength()); // the first implementation at deployment, then V2: the history `cast logs` shows

        // The control plane's operational role works on the upgraded registry.
        await resources.RecordPlacedAsync(resourceId, "edge-007", "edge-007-h01", None);
        Assert.Equal(OnChainResourceState.Placed, (await ResourceRegistryCalls.GetAsync(c.Rpc, registry, resourceId, None))!.State);
    }

    private static readonly byte[] VersionCall = Abi.Selector("version()");

    private static byte[] UpgradeCall(string implementation) =>
        [.. Abi.Selector("upgradeToAndCall(address,bytes)"), .. new ABIEncode().GetABIEncoded(new ABIValue("address", implementation), new ABIValue("bytes", Array.Empty<byte>()))];

    /// <summary>One member proposes, a second approves (k = 2: queued), the timelock refuses it early, and after the delay it runs; returns the execution's transaction.</summary>
    private static async Task<string> DecideAsync(LedgerConnection c, BoardMember proposer, BoardMember approver, IReadOnlyList<BoardCall> calls, string description)
    {
        var (id, _) = await proposer.ProposeAsync(calls, description, None);
        await approver.ApproveAsync(id, None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => approver.ExecuteAsync(id, None));
        await c.Rpc.CallAsync("evm_increaseTime", None, 3601);
        await c.Rpc.CallAsync("evm_mine", None);
        return await approver.ExecuteAsync(id, None);
    }

    private static async Task<JsonRpcException> RawCallRefusedAsync(LedgerConnection c, string from, string to, byte[] data) =>
        await Assert.ThrowsAsync<JsonRpcException>(() => c.Rpc.CallAsync("eth_call", None, new { from, to, data = Hex.Bytes(data) }, "latest"));

    private static async Task<string> DeployAsync(LedgerConnection c, string artifactPath)
    {
        using var artifact = JsonDocument.Parse(await File.ReadAllTextAsync(artifactPath));
        var code = Hex.ToBytes(artifact.RootElement.GetProperty("bytecode").GetString()!);
        var receipt = await c.Gateway.SendAsync(new TransactionRequest("deploy:ResourceRegistryV2", null, code, 5_000_000), None);
        Assert.True(receipt.Succeeded);
        return receipt.ContractAddress!;
    }
}
