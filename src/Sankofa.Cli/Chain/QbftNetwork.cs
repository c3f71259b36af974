using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nethereum.Signer;
using Sankofa.Agent.LightClient;
using Sankofa.Ledger.Keys;

namespace Sankofa.Cli.Chain;

/// <summary>
/// A Hyperledger Besu QBFT network definition: node keys, the genesis (validators in its extraData, zero base fee,
/// funded accounts) and each node's Besu configuration (docs/chain.md).
/// </summary>
internal sealed class QbftNetwork
{
    /// <summary>The file of a node's private key in its directory (Besu's node key file: 0x and 64 hex digits, mode 0600).</summary>
    public const string KeyFile = "key";

    /// <summary>The node's public key beside it (0x and 128 hex digits), as Besu's <c>public-key export</c> writes it.</summary>
    public const string PublicKeyFile = "key.pub";

    /// <summary>The node key's address (0x and 40 hex digits).</summary>
    public const string AddressFile = "address";

    public const string GenesisFile = "genesis.json";

    /// <summary>What each funded address holds: one million ether, as gas is free anyway (zero base fee and gas price).</summary>
    public static readonly BigInteger FundedBalance = BigInteger.Pow(10, 24);

    // The mixHash Besu's BFT protocols require of every block: "ctical byzantine fault tolerance" in ASCII.
    private const string BftMixHash = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";

    private QbftNetwork(QbftNetworkOptions options, IReadOnlyList<QbftNode> nodes)
    {
        Options = options;
        Nodes = nodes;
    }

    public QbftNetworkOptions Options { get; }

    /// <summary>The validators, then the read replicas.</summary>
    public IReadOnlyList<QbftNode> Nodes { get; }

    public IEnumerable<QbftNode> Validators => Nodes.Where(n => n.Role == QbftNodeRole.Validator);

    /// <summary>Generates a fresh key for every node (the OS's random source) and places the nodes.</summary>
    public static QbftNetwork Create(QbftNetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var names = Enumerable.Range(1, options.Validators).Select(i => (Name: $"validator-{i}", Role: QbftNodeRole.Validator))
            .Concat(Enumerable.Range(1, options.ReadReplicas).Select(i => (Name: $"replica-{i}", Role: QbftNodeRole.ReadReplica)));
        var nodes = names.Select((node, index) =>
        {
            // Nodes on a host of their own all use the standard ports; nodes sharing one take the next ports.
            var offset = options.HostPerNode ? 0 : index;
            var host = options.HostTemplate.Replace(QbftNetworkOptions.NamePlaceholder, node.Name, StringComparison.Ordinal);
            return new QbftNode(node.Name, node.Role, EthECKey.GenerateKey(), host, options.P2pPort + offset, options.RpcPort + offset);
        }).ToList();
        return new QbftNetwork(options, nodes);
    }

    /// <summary>The genesis extraData: the validators in node order (validator-1 first), in Besu's encoding.</summary>
    public byte[] ExtraData() => QbftExtraData.Genesis(Validators.Select(v => v.Address)).EncodeAsBesu();

    /// <summary>The genesis file Besu reads (and anvil's <c>--init</c>, which uses part of it: docs/chain.md).</summary>
    public JsonObject Genesis()
    {
        var alloc = new JsonObject();
        foreach (var address in Options.Fund.Select(a => a.ToLowerInvariant()).Distinct(StringComparer.Ordinal))
        {
            alloc[address] = new JsonObject { ["balance"] = Quantity(FundedBalance) };
        }

        return new JsonObject
        {
            ["config"] = new JsonObject
            {
                ["chainId"] = Options.ChainId,
                ["homesteadBlock"] = 0,
                ["eip150Block"] = 0,
                ["eip155Block"] = 0,
                ["eip158Block"] = 0,
                ["byzantiumBlock"] = 0,
                ["constantinopleBlock"] = 0,
                ["petersburgBlock"] = 0,
                ["istanbulBlock"] = 0,
                ["muirGlacierBlock"] = 0,
                ["berlinBlock"] = 0,
                ["londonBlock"] = 0,
                // The contracts are compiled for Cancun (scripts/compile-contracts.mjs): PUSH0 needs Shanghai, MCOPY Cancun.
                ["shanghaiTime"] = 0,
                ["cancunTime"] = 0,
                // Free gas: the control plane's transactions cost nothing, so no key ever runs dry and stalls the ledger.
                ["zeroBaseFee"] = true,
                ["qbft"] = new JsonObject
                {
                    ["blockperiodseconds"] = Options.BlockPeriodSeconds,
                    ["epochlength"] = Options.EpochLength,
                    ["requesttimeoutseconds"] = Options.EffectiveRequestTimeoutSeconds,
                },
            },
            ["nonce"] = "0x0",
            ["timestamp"] = "0x0",
            ["gasLimit"] = Quantity(Options.GasLimit),
            ["difficulty"] = "0x1",
            ["mixHash"] = BftMixHash,
            ["coinbase"] = "0x0000000000000000000000000000000000000000",
            ["baseFeePerGas"] = "0x0",
            ["extraData"] = "0x" + Convert.ToHexStringLower(ExtraData()),
            ["alloc"] = alloc,
        };
    }

    /// <summary>
    /// Writes the network under <paramref name="directory"/>: genesis.json, and per node a directory with its key files,
    /// config.toml and permissions_config.toml. The directory must be absent or empty.
    /// </summary>
    public async Task WriteAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(
            Path.Combine(directory, GenesisFile), Genesis().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken).ConfigureAwait(false);
        var config = new BesuConfig(this);
        foreach (var node in Nodes)
        {
            var nodeDirectory = Path.Combine(directory, node.Name);
            Directory.CreateDirectory(nodeDirectory);
            await SecretFile.WriteAsync(Path.Combine(nodeDirectory, KeyFile), node.PrivateKeyHex(), cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(nodeDirectory, PublicKeyFile), "0x" + node.PublicKey, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(nodeDirectory, AddressFile), node.Address, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(nodeDirectory, BesuConfig.ConfigFile), config.NodeConfig(node), cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(nodeDirectory, BesuConfig.PermissionsFile), config.Permissions(), cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Quantity(BigInteger value)
    {
        // BigInteger writes a leading 0 (its sign) before a high hex digit; a JSON-RPC quantity has no leading zeros.
        var hex = value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
        return "0x" + (hex.Length == 0 ? "0" : hex);
    }
}
