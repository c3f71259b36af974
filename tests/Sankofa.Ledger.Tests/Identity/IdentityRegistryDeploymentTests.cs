using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Identity;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Keys;
using static Sankofa.Ledger.Tests.Identity.IdentityTestData;

namespace Sankofa.Ledger.Tests.Identity;

/// <summary>Where IdentityRegistry comes from at start-up, and two control planes (regions) sharing it on one chain.</summary>
public sealed class IdentityRegistryDeploymentTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_restart_on_the_same_data_directory_finds_the_recorded_registry_and_its_identities()
    {
        using var dir = new TempDirectory();
        var id = NewId();
        string registry;
        await using (var first = await LedgerHost.CreateAsync(dir.Path))
        {
            registry = first.Connection.IdentityRegistryAddress;
            await first.Services.GetRequiredService<IIdentityLedger>().RegisterAsync(id, SubjectHash(id), NewController(), None);
        }

        var record = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir.LedgerDirectory, "deployment.json")))!;
        Assert.Equal(registry, record["identityRegistry"]!.GetValue<string>());

        await using var second = await LedgerHost.CreateAsync(dir.Path);
        Assert.Equal(registry, second.Connection.IdentityRegistryAddress);
        Assert.Equal(IdentityStatus.Active, (await second.Services.GetRequiredService<IIdentityLedger>().GetAsync(id, None))!.Status);
        Assert.DoesNotContain(second.Logs.Messages, m => m.Contains("Deployed IdentityRegistry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deployment_recorded_before_IdentityRegistry_existed_gains_one_and_keeps_the_other_contracts()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.LedgerDirectory, "deployment.json");
        string auditAnchor, resourceRegistry;
        await using (var first = await LedgerHost.CreateAsync(dir.Path))
        {
            (auditAnchor, resourceRegistry) = (first.Connection.AuditAnchorAddress, first.Connection.ResourceRegistryAddress);
        }

        var older = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        older.Remove("identityRegistry");
        await File.WriteAllTextAsync(path, older.ToJsonString());

        await using var second = await LedgerHost.CreateAsync(dir.Path);

        Assert.Equal(auditAnchor, second.Connection.AuditAnchorAddress);
        Assert.Equal(resourceRegistry, second.Connection.ResourceRegistryAddress);
        Assert.True(await AuditAnchorCalls.HasCodeAsync(second.Connection.Rpc, second.Connection.IdentityRegistryAddress, None));
        var record = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.Equal(second.Connection.IdentityRegistryAddress, record["identityRegistry"]!.GetValue<string>());
        Assert.Equal(0, second.Recovery.Generation);
    }

    [Fact]
    public async Task A_configured_registry_address_without_contract_code_fails_startup_naming_the_setting()
    {
        using var dir = new TempDirectory();

        var error = await Assert.ThrowsAsync<LedgerConfigurationException>(() =>
            LedgerHost.CreateAsync(dir.Path, new Dictionary<string, string?> { ["Ledger:IdentityRegistryAddress"] = "0x00000000000000000000000000000000000000bb" }));

        Assert.Equal("Ledger:IdentityRegistryAddress", error.Setting);
        Assert.Contains("No contract code", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_region_sharing_the_chain_starts_once_granted_REGISTRAR_ROLE_and_revokes_what_the_first_registered()
    {
        using var firstDir = new TempDirectory();
        using var secondDir = new TempDirectory();
        await using var first = await LedgerHost.CreateAsync(firstDir.Path);
        var firstLedger = first.Services.GetRequiredService<IIdentityLedger>();
        var id = NewId();
        await firstLedger.RegisterAsync(id, SubjectHash(id), NewController(), None);

        // The second region has its own data directory and key, and points at the first region's chain and registry.
        const string password = "region-b-password";
        string secondAddress;
        var (key, _) = await SignerKeyStore.LoadOrCreateAsync(Path.Combine(secondDir.LedgerDirectory, SignerKeyStore.KeyFileName), password, None);
        using (key)
        {
            secondAddress = key.Address;
        }

        await first.Connection.Rpc.CallAsync("anvil_setBalance", None, secondAddress, "0xde0b6b3a7640000000");
        var settings = new Dictionary<string, string?>
        {
            ["Ledger:RpcUrl"] = first.Connection.RpcUrl.ToString(),
            ["Ledger:ChainId"] = first.Connection.ChainId.ToString(CultureInfo.InvariantCulture),
            ["Ledger:KeyPassword"] = password,
            ["Ledger:IdentityRegistryAddress"] = first.Connection.IdentityRegistryAddress,
            ["Ledger:RetryBackoff"] = "00:00:00.200",
        };

        var refused = await Assert.ThrowsAsync<LedgerConfigurationException>(() => LedgerHost.CreateAsync(secondDir.Path, settings));
        Assert.Equal("Ledger:IdentityRegistryAddress", refused.Setting);
        Assert.Contains($"{secondAddress} does not hold REGISTRAR_ROLE", refused.Message, StringComparison.OrdinalIgnoreCase);

        var granted = await firstLedger.GrantRegistrarAsync(secondAddress, None);
        Assert.True(granted.Changed);
        await using var second = await LedgerHost.CreateAsync(secondDir.Path, settings);
        var secondLedger = second.Services.GetRequiredService<IIdentityLedger>();

        var revoked = await secondLedger.RevokeAsync(id, None);

        Assert.True(revoked.Changed);
        Assert.Equal(IdentityStatus.Revoked, (await firstLedger.GetStatusesAsync([id], None))[id]);
        // Only the admin (the first region's key) hands out REGISTRAR_ROLE.
        var notAdmin = await Assert.ThrowsAsync<IdentityRefusedException>(() => secondLedger.GrantRegistrarAsync(NewController(), None));
        Assert.Equal(IdentityRefusal.Unauthorized, notAdmin.Reason);
        Assert.Contains("AccessControlUnauthorizedAccount(", notAdmin.Message, StringComparison.Ordinal);
    }
}
