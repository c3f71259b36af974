using System.CommandLine;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Core.Agents;

namespace Sankofa.Cli.Chain;

/// <summary>
/// <c>sankofa chain genesis</c>: writes a Hyperledger Besu QBFT network for Sankofa's ledger, its validators' and read
/// replicas' keys, the genesis and each node's configuration (docs/chain.md).
/// </summary>
internal static class ChainCommand
{
    /// <summary>Exit code: done.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: the output could not be written.</summary>
    public const int Error = 2;

    /// <summary>More validators than this make every round's messages (n² per round) a burden on the network.</summary>
    public const int MaxNodes = 64;

    public static Command Create()
    {
        var chain = new Command("chain", "The chain network Sankofa records its operations on (Hyperledger Besu QBFT).");
        chain.Subcommands.Add(GenesisCommand());
        return chain;
    }

    private static Command GenesisCommand()
    {
        var validators = new Option<int>("--validators") { Description = "Validators: they seal the blocks (4 or more tolerate one faulty).", Required = true };
        validators.Validators.Add(r => Range(r, "--validators", r.GetValue(validators), 1, MaxNodes));
        var replicas = new Option<int>("--read-replicas") { Description = "Non-validator nodes serving a region's control plane.", DefaultValueFactory = _ => 0 };
        replicas.Validators.Add(r => Range(r, "--read-replicas", r.GetValue(replicas), 0, MaxNodes));
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory to write the network into; must not exist or be empty.", Required = true };
        output.Validators.Add(r =>
        {
            if (r.GetValue(output) is { Exists: true } dir && dir.EnumerateFileSystemInfos().Any())
            {
                r.AddError($"--out {dir.FullName} is not empty; give a new directory (the keys there would be replaced).");
            }
        });
        var defaults = new QbftNetworkOptions { InstallPath = "/" };
        var chainId = new Option<long>("--chain-id") { Description = "The chain id (Ledger:ChainId must match).", DefaultValueFactory = _ => defaults.ChainId };
        chainId.Validators.Add(r => Range(r, "--chain-id", r.GetValue(chainId), 1, long.MaxValue));
        var blockPeriod = new Option<int>("--block-period") { Description = "Seconds between blocks.", DefaultValueFactory = _ => defaults.BlockPeriodSeconds };
        blockPeriod.Validators.Add(r => Range(r, "--block-period", r.GetValue(blockPeriod), 1, 3600));
        var requestTimeout = new Option<int?>("--request-timeout") { Description = "Seconds before a stalled round changes (default: twice the block period)." };
        var epochLength = new Option<long>("--epoch-length") { Description = "Blocks after which pending validator votes are discarded.", DefaultValueFactory = _ => defaults.EpochLength };
        epochLength.Validators.Add(r => Range(r, "--epoch-length", r.GetValue(epochLength), 1, long.MaxValue));
        var fund = new Option<string[]>("--fund") { Description = "An address funded in the genesis (repeatable): control planes' signing keys, board members.", AllowMultipleArgumentsPerToken = false };
        fund.Validators.Add(r =>
        {
            foreach (var address in r.GetValue(fund) ?? [])
            {
                if (!AgentAddress.IsValid(address))
                {
                    r.AddError($"--fund '{address}' is not an address (0x and 40 hex digits).");
                }
            }
        });
        var hostTemplate = new Option<string>("--host-template")
        {
            Description = "Each node's host in enode URLs; {name} is the node's name (validator-1, replica-1). Without {name} all nodes share the host and take consecutive ports.",
            DefaultValueFactory = _ => defaults.HostTemplate,
        };
        hostTemplate.Validators.Add(r =>
        {
            var host = r.GetValue(hostTemplate)!.Replace(QbftNetworkOptions.NamePlaceholder, "validator-1", StringComparison.Ordinal);
            if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
            {
                r.AddError($"--host-template gives '{host}', which is not a host name or IP address.");
            }
        });
        var p2pPort = new Option<int>("--p2p-port") { Description = "The nodes' devp2p port.", DefaultValueFactory = _ => defaults.P2pPort };
        p2pPort.Validators.Add(r => Range(r, "--p2p-port", r.GetValue(p2pPort), 1, 65535 - (2 * MaxNodes)));
        var rpcPort = new Option<int>("--rpc-port") { Description = "The nodes' JSON-RPC HTTP port.", DefaultValueFactory = _ => defaults.RpcPort };
        rpcPort.Validators.Add(r => Range(r, "--rpc-port", r.GetValue(rpcPort), 1, 65535 - (2 * MaxNodes)));
        var installPath = new Option<string?>("--install-path") { Description = "Where the --out directory will be on the nodes' machines (default: its absolute path here)." };
        installPath.Validators.Add(r =>
        {
            if (r.GetValue(installPath) is { } path && !Path.IsPathFullyQualified(path))
            {
                r.AddError($"--install-path must be an absolute path, not '{path}'.");
            }
        });

        var command = new Command("genesis", "Write a Hyperledger Besu QBFT network: node keys, genesis.json, each node's config.toml and permissions.")
        {
            validators, replicas, output, chainId, blockPeriod, requestTimeout, epochLength, fund, hostTemplate, p2pPort, rpcPort, installPath,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(requestTimeout) is { } timeout && timeout <= r.GetValue(blockPeriod))
            {
                r.AddError($"--request-timeout ({timeout} s) must be longer than --block-period ({r.GetValue(blockPeriod)} s), or rounds change before a block is due.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(output)!.FullName;
            var network = QbftNetwork.Create(new QbftNetworkOptions
            {
                Validators = parse.GetValue(validators),
                ReadReplicas = parse.GetValue(replicas),
                ChainId = parse.GetValue(chainId),
                BlockPeriodSeconds = parse.GetValue(blockPeriod),
                RequestTimeoutSeconds = parse.GetValue(requestTimeout),
                EpochLength = parse.GetValue(epochLength),
                Fund = parse.GetValue(fund) ?? [],
                HostTemplate = parse.GetValue(hostTemplate)!,
                P2pPort = parse.GetValue(p2pPort),
                RpcPort = parse.GetValue(rpcPort),
                InstallPath = parse.GetValue(installPath) ?? directory,
            });
            try
            {
                await network.WriteAsync(directory, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"chain genesis: cannot write {directory}: {ex.Message}");
                return Error;
            }

            Print(parse, network, directory);
            return Ok;
        });
        return command;
    }

    private static void Range(System.CommandLine.Parsing.OptionResult result, string name, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            result.AddError(max == long.MaxValue ? $"{name} must be at least {min}, not {value}." : $"{name} must be {min} to {max}, not {value}.");
        }
    }

    private static void Print(ParseResult parse, QbftNetwork network, string directory)
    {
        var nodes = network.Nodes.Select(n => new { name = n.Name, role = n.Role == QbftNodeRole.Validator ? "validator" : "read-replica", address = n.Address, enode = n.Enode }).ToList();
        if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
        {
            parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(new { directory, chainId = network.Options.ChainId, nodes }, SankofaApiClient.Json));
            return;
        }

        var text = new System.Text.StringBuilder($"QBFT network of {network.Options.Validators} validator(s) and {network.Options.ReadReplicas} read replica(s), chain id {network.Options.ChainId}, written to {directory}\n");
        foreach (var node in nodes)
        {
            text.Append($"  {node.name,-12} {node.role,-12} {node.address}\n");
        }

        text.Append($"Start each node with: besu --config-file={Path.Combine(directory, "<node>", BesuConfig.ConfigFile)} (docs/chain.md)");
        parse.InvocationConfiguration.Output.WriteLine(text.ToString());
    }
}
