using Sankofa.Agent.LightClient;
using Sankofa.Cli.Chain;

namespace Sankofa.Cli.Tests.Chain;

/// <summary>
/// <c>sankofa chain genesis --validators 4 --read-replicas 2</c>: what it writes, read back the way Besu reads it: the
/// extraData decoded with the light client's own codec, the keys, the TOML files parsed with Tomlyn.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ChainGenesisTests : IAsyncLifetime
{
    private const string Member = "0x00000000000000000000000000000000000000b1";
    private const string Signer = "0x00000000000000000000000000000000000000C2";
    private static readonly string[] ValidatorNames = ["validator-1", "validator-2", "validator-3", "validator-4"];
    private static readonly string[] ReplicaNames = ["replica-1", "replica-2"];
    private readonly string _root = Directory.CreateTempSubdirectory("sankofa-chain-").FullName;
    private string _net = null!;

    public async Task InitializeAsync()
    {
        _net = Path.Combine(_root, "net");
        var (exit, output, error) = await ChainCli.RunAsync(
            "chain", "genesis", "--validators", "4", "--read-replicas", "2", "--fund", Signer, "--fund", Member, "--chain-id", "4242",
            "--block-period", "3", "--request-timeout", "9", "--out", _net);
        Assert.True(exit == ChainCommand.Ok, error);
        Assert.Contains("validator-4", output, StringComparison.Ordinal);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void The_genesis_extra_data_lists_exactly_the_validators_keys_in_node_order_as_besu_encodes_a_genesis()
    {
        var extraData = Convert.FromHexString(ChainCli.Genesis(_net).GetProperty("extraData").GetString()![2..]);

        var decoded = QbftExtraData.Decode(extraData);

        var addresses = ValidatorNames.Select(n => ChainCli.Key(_net, n).GetPublicAddress().ToLowerInvariant()).ToList();
        Assert.Equal(addresses, decoded.Validators); // the read replicas are not validators
        Assert.Equal(new byte[32], decoded.Vanity);
        Assert.Null(decoded.Vote);
        Assert.Equal(0, decoded.Round);
        Assert.Empty(decoded.CommittedSeals);
        // Besu's genesis form: no vote is an empty list, round 0 the empty string, no seals an empty list.
        Assert.EndsWith("c080c0", Convert.ToHexStringLower(extraData), StringComparison.Ordinal);
        Assert.Equal(QbftExtraData.Genesis(addresses).EncodeAsBesu(), extraData);
    }

    [Fact]
    public void The_genesis_has_the_chain_id_qbft_timing_free_gas_cancun_and_the_funded_addresses()
    {
        var genesis = ChainCli.Genesis(_net);
        var config = genesis.GetProperty("config");

        Assert.Equal(4242, config.GetProperty("chainId").GetInt64());
        Assert.Equal(3, config.GetProperty("qbft").GetProperty("blockperiodseconds").GetInt32());
        Assert.Equal(9, config.GetProperty("qbft").GetProperty("requesttimeoutseconds").GetInt32());
        Assert.Equal(30000, config.GetProperty("qbft").GetProperty("epochlength").GetInt64());
        Assert.True(config.GetProperty("zeroBaseFee").GetBoolean());
        Assert.All(new[] { "londonBlock", "berlinBlock", "istanbulBlock", "shanghaiTime", "cancunTime" }, fork => Assert.Equal(0, config.GetProperty(fork).GetInt64()));
        Assert.Equal("0x0", genesis.GetProperty("baseFeePerGas").GetString());
        Assert.Equal("0x3b9aca00", genesis.GetProperty("gasLimit").GetString()); // Ledger:BlockGasLimit, the embedded chain's
        var alloc = genesis.GetProperty("alloc");
        Assert.Equal(["0x00000000000000000000000000000000000000b1", "0x00000000000000000000000000000000000000c2"], alloc.EnumerateObject().Select(p => p.Name).Order());
        Assert.All(alloc.EnumerateObject(), p => Assert.Equal("0xd3c21bcecceda1000000", p.Value.GetProperty("balance").GetString()));
    }

    [Fact]
    public void Each_node_has_its_key_readable_by_its_owner_alone_with_the_public_key_and_address_beside_it()
    {
        foreach (var node in ValidatorNames.Concat(ReplicaNames))
        {
            var directory = Path.Combine(_net, node);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, QbftNetwork.KeyFile)));
            Assert.Matches("^0x[0-9a-f]{64}$", File.ReadAllText(Path.Combine(directory, QbftNetwork.KeyFile)));
            var key = ChainCli.Key(_net, node);
            Assert.Equal("0x" + Convert.ToHexStringLower(key.GetPubKeyNoPrefix()), File.ReadAllText(Path.Combine(directory, QbftNetwork.PublicKeyFile)));
            Assert.Equal(key.GetPublicAddress().ToLowerInvariant(), File.ReadAllText(Path.Combine(directory, QbftNetwork.AddressFile)));
        }

        Assert.Equal(6, ValidatorNames.Concat(ReplicaNames).Select(n => ChainCli.Key(_net, n).GetPublicAddress()).Distinct().Count());
    }

    [Fact]
    public void Every_node_dials_the_validators_and_admits_exactly_the_networks_nodes_by_their_keys()
    {
        var validators = ValidatorNames.Select(n => ChainCli.Enode(_net, n, $"{n}:30303")).ToList();
        var all = validators.Concat(ReplicaNames.Select(n => ChainCli.Enode(_net, n, $"{n}:30303"))).ToList();

        foreach (var (node, index) in ValidatorNames.Concat(ReplicaNames).Select((n, i) => (n, i)))
        {
            var config = ChainCli.Toml(Path.Combine(_net, node, BesuConfig.ConfigFile));
            Assert.Equal(validators.Where((_, i) => i != index), ChainCli.Strings(config["bootnodes"])); // every validator but itself
            Assert.True((bool)config["permissions-nodes-config-file-enabled"]);
            var permissionsFile = (string)config["permissions-nodes-config-file"];
            Assert.Equal(Path.Combine(_net, node, BesuConfig.PermissionsFile), permissionsFile);
            Assert.Equal(all, ChainCli.Strings(ChainCli.Toml(permissionsFile)["nodes-allowlist"]));
            Assert.True(File.Exists((string)config["genesis-file"]));
            Assert.Equal(ChainCli.Key(_net, node).GetPrivateKey()[^64..], File.ReadAllText((string)config["node-private-key-file"])[2..]);
            Assert.Equal(Path.Combine(_net, node, "data"), (string)config["data-path"]);
            Assert.Equal(30303L, (long)config["p2p-port"]);
            Assert.Equal(0L, (long)config["min-gas-price"]); // the genesis's zero base fee: transactions at gas price 0 are mined
            Assert.True((bool)config["Xdns-enabled"]); // the enode URLs name hosts
        }
    }

    [Fact]
    public void Validators_serve_eth_net_and_qbft_on_localhost_and_read_replicas_eth_net_and_web3_to_the_network()
    {
        foreach (var node in ValidatorNames)
        {
            var config = ChainCli.Toml(Path.Combine(_net, node, BesuConfig.ConfigFile));
            Assert.True((bool)config["rpc-http-enabled"]);
            Assert.Equal(["ETH", "NET", "QBFT"], ChainCli.Strings(config["rpc-http-api"]));
            Assert.Equal("127.0.0.1", (string)config["rpc-http-host"]);
            Assert.Equal(["localhost", "127.0.0.1"], ChainCli.Strings(config["host-allowlist"]));
        }

        foreach (var node in ReplicaNames)
        {
            var config = ChainCli.Toml(Path.Combine(_net, node, BesuConfig.ConfigFile));
            Assert.Equal(["ETH", "NET", "WEB3"], ChainCli.Strings(config["rpc-http-api"]));
            Assert.Equal("0.0.0.0", (string)config["rpc-http-host"]);
            Assert.Equal(8545L, (long)config["rpc-http-port"]);
            Assert.Equal(["localhost", "127.0.0.1", node], ChainCli.Strings(config["host-allowlist"]));
        }

        var apis = ValidatorNames.Concat(ReplicaNames).SelectMany(n => ChainCli.Strings(ChainCli.Toml(Path.Combine(_net, n, BesuConfig.ConfigFile))["rpc-http-api"]));
        Assert.DoesNotContain(apis, api => api is "ADMIN" or "TXPOOL" or "DEBUG" or "PERM" or "MINER");
    }

    [Fact]
    public async Task Nodes_sharing_one_host_take_consecutive_ports_and_name_their_files_under_the_install_path()
    {
        var net = Path.Combine(_root, "local");
        var (exit, _, error) = await ChainCli.RunAsync(
            "chain", "genesis", "--validators", "2", "--read-replicas", "1", "--host-template", "10.0.0.5", "--install-path", "/opt/sankofa-chain", "--out", net);
        Assert.True(exit == ChainCommand.Ok, error);

        var replica = ChainCli.Toml(Path.Combine(net, "replica-1", BesuConfig.ConfigFile));
        Assert.Equal(30305L, (long)replica["p2p-port"]);
        Assert.Equal(8547L, (long)replica["rpc-http-port"]);
        Assert.Equal("10.0.0.5", (string)replica["p2p-host"]);
        Assert.False(replica.ContainsKey("Xdns-enabled")); // IP addresses need no DNS support
        Assert.Equal("/opt/sankofa-chain/genesis.json", (string)replica["genesis-file"]);
        Assert.Equal("/opt/sankofa-chain/replica-1/key", (string)replica["node-private-key-file"]);
        Assert.Equal(
            [ChainCli.Enode(net, "validator-1", "10.0.0.5:30303"), ChainCli.Enode(net, "validator-2", "10.0.0.5:30304")],
            ChainCli.Strings(replica["bootnodes"]));
        Assert.Equal(4, ChainCli.Genesis(net).GetProperty("config").GetProperty("qbft").GetProperty("requesttimeoutseconds").GetInt32()); // twice the block period
    }
}
