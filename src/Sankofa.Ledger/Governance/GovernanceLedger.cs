using System.Text;
using System.Text.Json;
using Nethereum.Util;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Governance;

/// <summary>Reads the board of this ledger's contracts (<see cref="LedgerConnection.Board"/>) from the chain.</summary>
internal sealed class GovernanceLedger(LedgerRuntime runtime) : IGovernanceLedger
{
    private static readonly string ProposedTopic =
        Hex.Bytes(Sha3Keccack.Current.CalculateHash(Encoding.ASCII.GetBytes("Proposed(bytes32,address,address[],uint256[],bytes[],string)")));

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

        var logs = await connection.Rpc.CallAsync("eth_getLogs", cancellationToken,
            new { address = board.Board, fromBlock = "0x0", toBlock = "latest", topics = new[] { ProposedTopic } }).ConfigureAwait(false);
        var found = logs.EnumerateArray().Reverse().Take(limit).ToList();
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
