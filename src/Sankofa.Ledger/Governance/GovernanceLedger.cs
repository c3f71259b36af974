using System.Text.Json;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Governance;

/// <summary>Reads the board of this ledger's contracts (<see cref="LedgerConnection.Board"/>) from the chain.</summary>
internal sealed class GovernanceLedger(LedgerRuntime runtime) : IGovernanceLedger
{
    private static readonly string ProposedTopic = Hex.Bytes(Abi.Topic("Proposed(bytes32,address,address[],uint256[],bytes[],string)"));

    private static readonly string FailedOverTopic = Hex.Bytes(Abi.Topic("SiteFailedOver(bytes32,bytes32)"));
    private static readonly string RestoredTopic = Hex.Bytes(Abi.Topic("SiteRestored(bytes32)"));

    public async Task<SiteFailoverChanges> ReadSiteFailoversAsync(long fromBlock, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromBlock);
        var connection = runtime.Connection;
        var last = await ChainLogs.HeadAsync(connection.Rpc, cancellationToken).ConfigureAwait(false);
        var logs = await ChainLogs.GetAsync(connection.Rpc, connection.ResourceRegistryAddress, [new[] { FailedOverTopic, RestoredTopic }],
            Math.Max(fromBlock, connection.DeploymentBlock), last, cancellationToken).ConfigureAwait(false);

        // Logs come in chain order: block, then index within it.
        var changes = logs.Select(log =>
        {
            var topics = log.GetProperty("topics");
            var failedOver = string.Equals(topics[0].GetString(), FailedOverTopic, StringComparison.OrdinalIgnoreCase);
            return new SiteFailoverChange(
                Hex.ToBytes(topics[1].GetString()!), failedOver ? Hex.ToBytes(topics[2].GetString()!) : null,
                log.GetProperty("transactionHash").GetString()!, Hex.ToLong(log.GetProperty("blockNumber")));
        }).ToList();
        return new SiteFailoverChanges(changes, last);
    }

    public async Task<GovernanceBoard?> GetBoardAsync(CancellationToken cancellationToken)
    {
        var connection = runtime.Connection;
        if (connection.Board is not { } board)
        {
            return null;
        }

        using var client = new BoardClient(connection.Rpc, board.Board); // the ledger's connection, not a new one per request
        var view = await client.GetAsync(cancellationToken).ConfigureAwait(false);
        return new GovernanceBoard(view.Board, view.Timelock, view.Members, view.Threshold, view.EmergencyThreshold, (long)view.Delay.TotalSeconds);
    }

    public async Task<IReadOnlyList<GovernanceProposal>> ListProposalsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var connection = runtime.Connection;
        if (connection.Board is not { } board)
        {
            return [];
        }

        var logs = await ChainLogs.GetAsync(connection.Rpc, board.Board, [ProposedTopic], connection.DeploymentBlock,
            await ChainLogs.HeadAsync(connection.Rpc, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var found = logs.Reverse().Take(limit).ToList();
        var proposals = new List<GovernanceProposal>(found.Count);
        foreach (var log in found)
        {
            var topics = log.GetProperty("topics");
            var id = Hex.ToBytes(topics[1].GetString()!);
            var p = await BoardMember.GetProposalAsync(connection.Rpc, board.Board, id, cancellationToken).ConfigureAwait(false);
            proposals.Add(new GovernanceProposal(
                Hex.Bytes(id), p.Proposer.ToLowerInvariant(), p.State.ToString().ToLowerInvariant(), (int)p.Approvals,
                [.. p.Calls.Select(c => new GovernanceCall(c.Target.ToLowerInvariant(), Hex.Bytes(c.Payload)))], p.ReadyAt,
                Hex.ToLong(log.GetProperty("blockNumber")), log.GetProperty("transactionHash").GetString()!));
        }

        return proposals;
    }
}
