using System.Net;
using Tomlyn;
using Tomlyn.Model;

namespace Sankofa.Cli.Chain;

/// <summary>
/// The Besu configuration files of a <see cref="QbftNetwork"/>'s nodes (TOML, the keys are Besu's command-line options):
/// paths under the install path, bootnodes, RPC limited to the node's role, node permissioning.
/// </summary>
internal sealed class BesuConfig
{
    public const string ConfigFile = "config.toml";

    public const string PermissionsFile = "permissions_config.toml";

    /// <summary>
    /// A validator's APIs: QBFT to vote on validators, ETH and NET to check its chain. Its RPC listens on 127.0.0.1 only,
    /// as a vote sent to it counts as that validator's: only an operator on its machine may cast one.
    /// </summary>
    public static readonly IReadOnlyList<string> ValidatorApis = ["ETH", "NET", "QBFT"];

    /// <summary>
    /// A read replica's APIs: what the control plane and the agents' light client call (eth_*, net_version,
    /// web3_clientVersion). No ADMIN (peers and allow-lists), TXPOOL (others' pending transactions) or DEBUG (tracing and
    /// rewinding the chain) on an endpoint other machines reach.
    /// </summary>
    public static readonly IReadOnlyList<string> ReadReplicaApis = ["ETH", "NET", "WEB3"];

    private readonly QbftNetwork _network;

    public BesuConfig(QbftNetwork network) => _network = network;

    /// <summary>The APIs a node of <paramref name="role"/> serves.</summary>
    public static IReadOnlyList<string> Apis(QbftNodeRole role) => role == QbftNodeRole.Validator ? ValidatorApis : ReadReplicaApis;

    /// <summary>The node's <see cref="ConfigFile"/>.</summary>
    public string NodeConfig(QbftNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var install = _network.Options.InstallPath;
        var validator = node.Role == QbftNodeRole.Validator;
        var table = new TomlTable
        {
            ["data-path"] = Path.Combine(install, node.Name, "data"),
            ["genesis-file"] = Path.Combine(install, QbftNetwork.GenesisFile),
            ["node-private-key-file"] = Path.Combine(install, node.Name, QbftNetwork.KeyFile),
            ["sync-mode"] = "FULL",
            // With the genesis's zero base fee: the control plane's transactions carry gas price 0.
            ["min-gas-price"] = 0L,
            ["p2p-interface"] = "0.0.0.0",
            ["p2p-port"] = (long)node.P2pPort,
            ["bootnodes"] = Array(_network.Validators.Where(v => v != node).Select(v => v.Enode)),
            ["rpc-http-enabled"] = true,
            ["rpc-http-host"] = validator ? "127.0.0.1" : "0.0.0.0",
            ["rpc-http-port"] = (long)node.RpcPort,
            ["rpc-http-api"] = Array(Apis(node.Role)),
            ["host-allowlist"] = Array(validator ? ["localhost", "127.0.0.1"] : new[] { "localhost", "127.0.0.1", node.Host }.Distinct(StringComparer.Ordinal)),
            ["permissions-nodes-config-file-enabled"] = true,
            ["permissions-nodes-config-file"] = Path.Combine(install, node.Name, PermissionsFile),
        };
        if (IPAddress.TryParse(node.Host, out _))
        {
            // The address the node announces in its own enode; a host name cannot be announced, the machine's address is.
            table["p2p-host"] = node.Host;
        }

        if (_network.Nodes.Any(n => !IPAddress.TryParse(n.Host, out _)))
        {
            // Enode URLs name hosts (validator-1): Besu resolves them only with DNS support on, and again when addresses change.
            table["Xdns-enabled"] = true;
            table["Xdns-update-enabled"] = true;
        }

        return $"# {node.Name} ({(validator ? "validator" : "read replica")}) of a Sankofa QBFT network, written by `sankofa chain genesis` (docs/chain.md).\n"
            + TomlSerializer.Serialize(table);
    }

    /// <summary>The <see cref="PermissionsFile"/> every node shares: each node's enode, and no other, may connect.</summary>
    public string Permissions() =>
        "# Node permissioning: the nodes of this network (docs/chain.md).\n"
        + TomlSerializer.Serialize(new TomlTable { ["nodes-allowlist"] = Array(_network.Nodes.Select(n => n.Enode)) });

    private static TomlArray Array(IEnumerable<string> values)
    {
        var array = new TomlArray();
        foreach (var value in values)
        {
            array.Add(value);
        }

        return array;
    }
}
