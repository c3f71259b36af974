using Microsoft.Extensions.Logging.Abstractions;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Embedded;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Tests;

/// <summary>Ledger:RpcUrl mode against a separately started anvil (reached at its IPC socket) standing in for a Besu node.</summary>
public sealed class ConfiguredEndpointTests : IAsyncLifetime
{
    private const long ExternalChainId = 1337;
    private readonly TempDirectory _nodeDirectory = new();
    private EmbeddedChain? _node;

    public async Task InitializeAsync()
    {
        var options = new LedgerOptions { ChainId = ExternalChainId };
        _node = new EmbeddedChain(options, new LedgerPaths(_nodeDirectory.LedgerDirectory), TimeProvider.System, NullLogger<EmbeddedChain>.Instance);
        await _node.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _node!.DisposeAsync();
        _nodeDirectory.Dispose();
    }

    [Fact]
    public async Task ConfiguredNode_WithAnotherChainId_FailsStartupNamingLedgerChainId()
    {
        using var dir = new TempDirectory();
        var error = await Assert.ThrowsAsync<LedgerConfigurationException>(() => LedgerHost.CreateAsync(dir.Path, Settings(("Ledger:ChainId", "999"))));
        Assert.Equal("Ledger:ChainId", error.Setting);
        Assert.Contains("1337", error.Message, StringComparison.Ordinal);
        Assert.Contains("Ledger:ChainId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableNode_FailsStartupNamingLedgerRpcUrl()
    {
        using var dir = new TempDirectory();
        var url = $"http://127.0.0.1:{FreePort.Next()}/";
        var error = await Assert.ThrowsAsync<LedgerConfigurationException>(() => LedgerHost.CreateAsync(dir.Path, Settings(("Ledger:RpcUrl", url))));
        Assert.Equal("Ledger:RpcUrl", error.Setting);
        Assert.Contains(url, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredAuditAnchorAddress_WithoutContractCode_FailsStartupNamingTheSetting()
    {
        using var dir = new TempDirectory();
        var error = await Assert.ThrowsAsync<LedgerConfigurationException>(() => LedgerHost.CreateAsync(dir.Path, Settings(("Ledger:AuditAnchorAddress", "0x00000000000000000000000000000000000000aa"))));
        Assert.Equal("Ledger:AuditAnchorAddress", error.Setting);
    }

    [Fact]
    public async Task ConfiguredNode_WithoutKeyPassword_FailsStartupNamingLedgerKeyPassword()
    {
        using var dir = new TempDirectory();
        var settings = Settings();
        settings.Remove("Ledger:KeyPassword");
        var error = await Assert.ThrowsAsync<LedgerConfigurationException>(() => LedgerHost.CreateAsync(dir.Path, settings));
        Assert.Equal("Ledger:KeyPassword", error.Setting);
    }

    [Fact]
    public async Task ConfiguredNode_WithFundedKey_DeploysOnceThenReusesAndFailsClearlyWhenTheContractIsGone()
    {
        using var dir = new TempDirectory();
        // An operator provisions and funds the key before pointing Sankofa at a real network.
        var (key, _) = await SignerKeyStore.LoadOrCreateAsync(Path.Combine(dir.LedgerDirectory, SignerKeyStore.KeyFileName), "operator-password", CancellationToken.None);
        using (key)
        using (var rpc = new JsonRpcClient(_node!.Endpoint, TimeSpan.FromSeconds(10)))
        {
            await rpc.CallAsync("anvil_setBalance", CancellationToken.None, key.Address, "0xde0b6b3a7640000000");
        }

        string address;
        await using (var first = await LedgerHost.CreateAsync(dir.Path, Settings()))
        {
            Assert.False(first.Connection.Embedded);
            Assert.Null(first.Initializer.EmbeddedChain);
            address = first.Connection.AuditAnchorAddress;
            var results = await first.Ledger.AnchorAsync([Roots.Request(1), Roots.Request(2)], CancellationToken.None);
            Assert.Equal(2, results.Count);
        }

        await using (var second = await LedgerHost.CreateAsync(dir.Path, Settings()))
        {
            Assert.Equal(address, second.Connection.AuditAnchorAddress);
            Assert.Equal(2, (await second.Ledger.GetRootsAsync([1, 2], CancellationToken.None)).Count);
        }

        // The node lost the contract (here: its code wiped): a configured endpoint never silently redeploys.
        using (var rpc = new JsonRpcClient(_node.Endpoint, TimeSpan.FromSeconds(10)))
        {
            await rpc.CallAsync("anvil_setCode", CancellationToken.None, address, "0x");
        }

        var error = await Assert.ThrowsAsync<LedgerConfigurationException>(() => LedgerHost.CreateAsync(dir.Path, Settings()));
        Assert.Equal("Ledger:RpcUrl", error.Setting);
        Assert.Contains(address, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredNode_WithARecordedRegistryWithoutMulticall_FailsStartupInsteadOfRedeploying()
    {
        using var dir = new TempDirectory();
        var (key, _) = await SignerKeyStore.LoadOrCreateAsync(Path.Combine(dir.LedgerDirectory, SignerKeyStore.KeyFileName), "operator-password", CancellationToken.None);
        using (key)
        using (var rpc = new JsonRpcClient(_node!.Endpoint, TimeSpan.FromSeconds(10)))
        {
            await rpc.CallAsync("anvil_setBalance", CancellationToken.None, key.Address, "0xde0b6b3a7640000000");
        }

        string registry;
        await using (var first = await LedgerHost.CreateAsync(dir.Path, Settings()))
        {
            // Stand-in for a registry deployed before multicall: any code without that function.
            registry = first.Connection.ResourceRegistryAddress;
            var auditAnchor = await Erc1967.ImplementationAsync(first.Connection.Rpc, first.Connection.AuditAnchorAddress, CancellationToken.None);
            var code = await first.Connection.Rpc.CallAsync("eth_getCode", CancellationToken.None, auditAnchor, "latest");
            await first.Connection.Rpc.CallAsync("anvil_setCode", CancellationToken.None, registry, code.GetString());
        }

        var error = await Assert.ThrowsAsync<LedgerConfigurationException>(() => LedgerHost.CreateAsync(dir.Path, Settings()));
        Assert.Equal("Ledger:ResourceRegistryAddress", error.Setting);
        Assert.Contains(registry, error.Message, StringComparison.Ordinal);
        Assert.Contains("multicall", error.Message, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Settings(params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Ledger:RpcUrl"] = _node!.Endpoint.ToString(),
            ["Ledger:ChainId"] = ExternalChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ledger:KeyPassword"] = "operator-password",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }
}
