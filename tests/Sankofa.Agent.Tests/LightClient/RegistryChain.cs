using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sankofa.Agent.LightClient;
using Sankofa.Core.Ledger;
using Sankofa.Ledger;

namespace Sankofa.Agent.Tests.LightClient;

/// <summary>
/// A real chain for the light client to read: anvil on HTTP, with the ResourceRegistry deployed and written by the
/// ledger as the control plane runs it. The checkpoint is the head right after deployment (as an operator would note it).
/// </summary>
public sealed class RegistryChain : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sankofa-agent-lightclient-").FullName;
    private ServiceProvider? _services;

    public ExternalAnvil Anvil { get; private set; } = null!;

    public IResourceLedger Ledger => _services!.GetRequiredService<IResourceLedger>();

    public string Registry { get; private set; } = null!;

    /// <summary>Registers a new site key for <paramref name="site"/>, with its proof as approval sends it; returns the key's address.</summary>
    public async Task<string> RegisterSiteKeyAsync(string site)
    {
        var key = new byte[32];
        string address;
        while (true)
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(key);
            try
            {
                address = Sankofa.Ledger.Resources.SiteAttestation.AddressOf(key);
                break;
            }
            catch (ArgumentException)
            {
                // out of the curve's range: draw again
            }
        }

        var digest = await Ledger.SiteKeyDigestAsync(site, address, CancellationToken.None);
        await Ledger.RegisterSiteKeyAsync(site, address, Sankofa.Ledger.Resources.SiteAttestation.Sign(key, digest), CancellationToken.None);
        return address.ToLowerInvariant(); // as the registry's storage and its proofs give it back
    }

    public string AuditAnchor { get; private set; } = null!;

    public TrustedCheckpoint Checkpoint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Anvil = await ExternalAnvil.StartAsync(_directory);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataDirectory"] = Path.Combine(_directory, "control-plane"),
            ["Ledger:RpcUrl"] = Anvil.RpcUrl.ToString(),
            ["Ledger:KeyPassword"] = "light-client-test-password",
            ["Ledger:MinTransitionInterval"] = "00:00:00",
        }).Build();
        _services = new ServiceCollection().AddLogging().AddSankofaLedger(configuration).BuildServiceProvider();
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var status = await _services.GetRequiredService<ILedgerStatus>().GetStatusAsync(CancellationToken.None);
        (Registry, AuditAnchor) = (status.ResourceRegistryAddress.ToLowerInvariant(), status.AuditAnchorAddress.ToLowerInvariant());
        using var rpc = Rpc();
        var head = await rpc.GetBlockHeaderAsync(null, CancellationToken.None);
        Checkpoint = new TrustedCheckpoint(head.Number, head.ClaimedHash);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            foreach (var hosted in _services.GetServices<IHostedService>().Reverse())
            {
                await hosted.StopAsync(CancellationToken.None);
            }

            await _services.DisposeAsync();
        }

        await Anvil.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    public ChainRpcClient Rpc() => new(Anvil.RpcUrl, TimeSpan.FromSeconds(30));

    public LightClientOptions Options(TrustedCheckpoint? checkpoint = null, long chainId = 31337) => new()
    {
        RpcUrl = Anvil.RpcUrl,
        ChainId = chainId,
        Consensus = ChainConsensus.Embedded,
        CheckpointNumber = (checkpoint ?? Checkpoint).Number,
        CheckpointHash = (checkpoint ?? Checkpoint).HashHex,
    };

    public static HeaderVerifier Verifier(ChainRpcClient rpc, LightClientOptions options, ILogger<HeaderVerifier>? logger = null) =>
        new(rpc, Microsoft.Extensions.Options.Options.Create(options), logger ?? NullLogger<HeaderVerifier>.Instance);

    /// <summary>A block object as the node sends it, to take apart or alter.</summary>
    public async Task<JsonElement> RawBlockAsync(long number) =>
        await Anvil.CallAsync("eth_getBlockByNumber", "0x" + number.ToString("x", System.Globalization.CultureInfo.InvariantCulture), false);

    /// <summary>Adds empty blocks, so headers have parents to link through.</summary>
    public async Task MineAsync(int blocks) => await Anvil.CallAsync("anvil_mine", "0x" + blocks.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
}
