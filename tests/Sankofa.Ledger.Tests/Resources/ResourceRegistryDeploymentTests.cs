using Sankofa.Ledger.Contracts;

namespace Sankofa.Ledger.Tests.Resources;

/// <summary>Start-up with a ResourceRegistry deployed before it had multicall, on the embedded chain.</summary>
public sealed class ResourceRegistryDeploymentTests
{
    [Fact]
    public async Task Embedded_ledger_replaces_a_recorded_registry_without_multicall_and_says_so()
    {
        using var dir = new TempDirectory();
        string outdated;
        await using (var first = await LedgerHost.CreateAsync(dir.Path))
        {
            // Stand-in for the contract as it was before multicall: any code without that function (AuditAnchor's
            // implementation, not its proxy, which would delegate to the registry's own implementation).
            var connection = first.Connection;
            outdated = connection.ResourceRegistryAddress;
            var auditAnchor = await Erc1967.ImplementationAsync(connection.Rpc, connection.AuditAnchorAddress, CancellationToken.None);
            var codeWithoutMulticall = await connection.Rpc.CallAsync("eth_getCode", CancellationToken.None, auditAnchor, "latest");
            await connection.Rpc.CallAsync("anvil_setCode", CancellationToken.None, outdated, codeWithoutMulticall.GetString());
            Assert.False(await ResourceRegistryCalls.HasMulticallAsync(connection.Rpc, outdated, connection.SignerAddress, CancellationToken.None));
        }

        await using var second = await LedgerHost.CreateAsync(dir.Path);

        var current = second.Connection.ResourceRegistryAddress;
        Assert.NotEqual(outdated, current, StringComparer.OrdinalIgnoreCase);
        Assert.True(await ResourceRegistryCalls.HasMulticallAsync(second.Connection.Rpc, current, second.Connection.SignerAddress, CancellationToken.None));
        Assert.Contains(second.Logs.Messages, m => m.Contains($"ResourceRegistry contract at {outdated} predates multicall", StringComparison.Ordinal));
        var record = await File.ReadAllTextAsync(Path.Combine(dir.LedgerDirectory, "deployment.json"));
        Assert.Contains(current, record, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embedded_ledger_replaces_a_recorded_registry_whose_site_keys_need_no_proof_and_says_so()
    {
        using var dir = new TempDirectory();
        string outdated;
        await using (var first = await LedgerHost.CreateAsync(dir.Path))
        {
            // Stand-in for the contract as it was before site keys needed a proof of possession: code with multicall but
            // without siteKeyDigest (IdentityRegistry's implementation).
            var connection = first.Connection;
            outdated = connection.ResourceRegistryAddress;
            var identityRegistry = await Erc1967.ImplementationAsync(connection.Rpc, connection.IdentityRegistryAddress, CancellationToken.None);
            var codeWithoutProofs = await connection.Rpc.CallAsync("eth_getCode", CancellationToken.None, identityRegistry, "latest");
            await connection.Rpc.CallAsync("anvil_setCode", CancellationToken.None, outdated, codeWithoutProofs.GetString());
            Assert.True(await ResourceRegistryCalls.HasMulticallAsync(connection.Rpc, outdated, connection.SignerAddress, CancellationToken.None));
        }

        await using var second = await LedgerHost.CreateAsync(dir.Path);

        var current = second.Connection.ResourceRegistryAddress;
        Assert.NotEqual(outdated, current, StringComparer.OrdinalIgnoreCase);
        Assert.Null(await ResourceRegistryCalls.MissingFunctionAsync(second.Connection.Rpc, current, second.Connection.SignerAddress, CancellationToken.None));
        Assert.Contains(second.Logs.Messages, m => m.Contains($"ResourceRegistry contract at {outdated} predates siteKeyDigest(bytes32,address)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Embedded_ledger_replaces_a_recorded_registry_deployed_without_a_proxy_and_says_so()
    {
        using var dir = new TempDirectory();
        string outdated;
        await using (var first = await LedgerHost.CreateAsync(dir.Path))
        {
            // Stand-in for a registry deployed before upgradeability: the registry's own code at the address, with no
            // implementation in the ERC-1967 slot.
            var connection = first.Connection;
            outdated = connection.ResourceRegistryAddress;
            var implementation = await Erc1967.ImplementationAsync(connection.Rpc, outdated, CancellationToken.None);
            var code = await connection.Rpc.CallAsync("eth_getCode", CancellationToken.None, implementation, "latest");
            await connection.Rpc.CallAsync("anvil_setCode", CancellationToken.None, outdated, code.GetString());
            await connection.Rpc.CallAsync("anvil_setStorageAt", CancellationToken.None, outdated, Erc1967.ImplementationSlot, "0x" + new string('0', 64));
        }

        await using var second = await LedgerHost.CreateAsync(dir.Path);

        var current = second.Connection.ResourceRegistryAddress;
        Assert.NotEqual(outdated, current, StringComparer.OrdinalIgnoreCase);
        Assert.NotNull(await Erc1967.ImplementationAsync(second.Connection.Rpc, current, CancellationToken.None));
        Assert.Contains(second.Logs.Messages, m => m.Contains($"ResourceRegistry contract at {outdated} predates upgradeToAndCall(address,bytes) behind an ERC-1967 proxy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_configured_registry_address_without_multicall_fails_startup_naming_the_setting()
    {
        using var dir = new TempDirectory();
        string notARegistry;
        await using (var first = await LedgerHost.CreateAsync(dir.Path))
        {
            notARegistry = first.Connection.AuditAnchorAddress;
        }

        var error = await Assert.ThrowsAsync<LedgerConfigurationException>(() =>
            LedgerHost.CreateAsync(dir.Path, new Dictionary<string, string?> { ["Ledger:ResourceRegistryAddress"] = notARegistry }));

        Assert.Equal("Ledger:ResourceRegistryAddress", error.Setting);
        Assert.Contains("multicall", error.Message, StringComparison.Ordinal);
    }
}
