using Sankofa.Ledger;

namespace Sankofa.Cli.Chain;

/// <summary>What <c>sankofa chain genesis</c> writes: the network's size, its consensus timing and where its nodes live.</summary>
internal sealed record QbftNetworkOptions
{
    /// <summary>The placeholder of <see cref="HostTemplate"/> replaced by a node's name (validator-1, replica-1...).</summary>
    public const string NamePlaceholder = "{name}";

    /// <summary>Validators: they hold the keys listed in the genesis extraData, propose and seal blocks.</summary>
    public int Validators { get; init; }

    /// <summary>Non-validator nodes (regional read replicas): they follow the chain and serve the control planes' RPC.</summary>
    public int ReadReplicas { get; init; }

    /// <summary>The chain id, by default the one Sankofa expects (<see cref="LedgerOptions.ChainId"/>).</summary>
    public long ChainId { get; init; } = new LedgerOptions().ChainId;

    /// <summary>QBFT <c>blockperiodseconds</c>: the time between two blocks.</summary>
    public int BlockPeriodSeconds { get; init; } = 2;

    /// <summary>QBFT <c>requesttimeoutseconds</c>: a round's timeout before a round change; null: twice the block period.</summary>
    public int? RequestTimeoutSeconds { get; init; }

    /// <summary>QBFT <c>epochlength</c>: blocks after which pending validator votes are discarded.</summary>
    public long EpochLength { get; init; } = 30_000;

    /// <summary>
    /// The block gas limit: the embedded chain's (<see cref="LedgerOptions.BlockGasLimit"/>), so a full batch of
    /// transitions (<see cref="LedgerOptions.MaxTransitionGasPerTransaction"/>) or of anchors fits in a block many times over.
    /// </summary>
    public long GasLimit { get; init; } = new LedgerOptions().BlockGasLimit;

    /// <summary>Addresses given a balance in the genesis (the control planes' signing keys, board members).</summary>
    public IReadOnlyList<string> Fund { get; init; } = [];

    /// <summary>A node's host name in enode URLs and its RPC host allow-list; <see cref="NamePlaceholder"/> is the node's name.</summary>
    public string HostTemplate { get; init; } = NamePlaceholder;

    /// <summary>The devp2p port (TCP and UDP discovery); nodes sharing a host take the next ones.</summary>
    public int P2pPort { get; init; } = 30303;

    /// <summary>The JSON-RPC HTTP port; nodes sharing a host take the next ones.</summary>
    public int RpcPort { get; init; } = 8545;

    /// <summary>Where the output directory will be on each node's machine; the configuration files name their files under it.</summary>
    public required string InstallPath { get; init; }

    /// <summary>The QBFT request timeout in force.</summary>
    public int EffectiveRequestTimeoutSeconds => RequestTimeoutSeconds ?? 2 * BlockPeriodSeconds;

    /// <summary>Whether every node has a host of its own; otherwise they share one and take consecutive ports.</summary>
    public bool HostPerNode => HostTemplate.Contains(NamePlaceholder, StringComparison.Ordinal);
}
