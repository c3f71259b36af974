using Microsoft.Extensions.DependencyInjection;
using Nethereum.KeyStore;
using Nethereum.KeyStore.Model;
using Nethereum.Signer;
using Sankofa.Cli.Chain;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Keys;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Cli.Tests.Chain;

/// <summary>
/// The written genesis on a real node: anvil started with <c>--init genesis.json</c> (Besu cannot run here) takes its
/// chain id and funded accounts, and a control plane pointed at it (Ledger:RpcUrl) with the operator's keystore, funded
/// in the genesis, deploys its contracts and its board there on first start and anchors the audit log.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GenesisOnAnvilTests : IAsyncLifetime
{
    private const string Password = "genesis-test-password";
    private readonly string _root = Directory.CreateTempSubdirectory("sankofa-genesis-anvil-").FullName;
    private readonly EthECKey _signer = EthECKey.GenerateKey();
    private readonly EthECKey[] _members = [EthECKey.GenerateKey(), EthECKey.GenerateKey()];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_control_plane_on_the_genesis_chain_deploys_its_contracts_with_the_key_the_genesis_funded_and_anchors()
    {
        var net = Path.Combine(_root, "net");
        var (exit, _, error) = await ChainCli.RunAsync(
            "chain", "genesis", "--validators", "4", "--chain-id", "4242", "--out", net,
            "--fund", _signer.GetPublicAddress(), "--fund", _members[0].GetPublicAddress(), "--fund", _members[1].GetPublicAddress());
        Assert.True(exit == ChainCommand.Ok, error);
        await using var anvil = await ExternalAnvil.StartFromGenesisAsync(Path.Combine(net, QbftNetwork.GenesisFile));

        Assert.Equal("0x1092", (await anvil.CallAsync("eth_chainId")).GetString());
        foreach (var funded in new[] { _signer, _members[0], _members[1] })
        {
            Assert.Equal("0xd3c21bcecceda1000000", (await anvil.CallAsync("eth_getBalance", funded.GetPublicAddress(), "latest")).GetString());
        }

        Assert.Equal("0x0", (await anvil.CallAsync("eth_getBalance", ChainCli.Key(net, "validator-1").GetPublicAddress(), "latest")).GetString());

        // The operator's keystore where the ledger looks for it (docs/ledger.md): its address is the one funded above.
        var data = Directory.CreateDirectory(Path.Combine(_root, "data")).FullName;
        var keystore = new KeyStoreScryptService().EncryptAndGenerateKeyStoreAsJson(
            Password, _signer.GetPrivateKeyAsBytes().AsSpan().TrimStart((byte)0).ToArray(), _signer.GetPublicAddress(), new ScryptParams { Dklen = 32, N = 1 << 14, R = 8, P = 1 });
        await SecretFile.WriteAsync(Path.Combine(data, "ledger", "signer.keystore.json"), keystore, CancellationToken.None);

        await using var server = await TestServer.StartAsync(data, new Dictionary<string, string?>
        {
            ["Ledger:RpcUrl"] = anvil.RpcUrl.ToString(),
            ["Ledger:ChainId"] = "4242",
            ["Ledger:KeyPassword"] = Password,
            ["Ledger:Board:Members:0"] = _members[0].GetPublicAddress(),
            ["Ledger:Board:Members:1"] = _members[1].GetPublicAddress(),
            ["Ledger:Board:Threshold"] = "1",
            ["Ledger:Board:Delay"] = "00:00:00",
        });
        var ledger = await server.Services.GetRequiredService<ILedgerStatus>().GetStatusAsync(CancellationToken.None);

        Assert.False(ledger.Embedded);
        Assert.Equal(4242, ledger.ChainId);
        Assert.Equal(_signer.GetPublicAddress(), ledger.SignerAddress, StringComparer.OrdinalIgnoreCase);
        foreach (var contract in new[] { ledger.AuditAnchorAddress, ledger.ResourceRegistryAddress, ledger.IdentityRegistryAddress, ledger.BoardAddress!, ledger.TimelockAddress! })
        {
            Assert.True((await anvil.CallAsync("eth_getCode", contract, "latest")).GetString()!.Length > 2, $"no code at {contract}");
        }

        var entry = await server.RecordAsync(action: "chain.genesis.checked");
        Assert.Equal("anchored", (await server.WaitAnchoredAsync(entry.Id)).Status);
    }
}
