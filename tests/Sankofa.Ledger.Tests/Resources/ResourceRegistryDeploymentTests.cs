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
            // Stand-in for the contract as it was before multicall: any code without that function.
            var connection = first.Connection;
            outdated = connection.ResourceRegistryAddress;
            var codeWithoutMulticall = await connection.Rpc.CallAsync("eth_getCode", CancellationToken.None, connection.AuditAnchorAddress, "latest");
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
            // without siteKeyDigest (IdentityRegistry's).
            var connection = first.Connection;
            outdated = connection.ResourceRegistryAddress;
            var codeWithoutProofs = await connection.Rpc.CallAsync("eth_getCode", CancellationToken.None, connection.IdentityRegistryAddress, "latest");
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
