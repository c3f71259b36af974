namespace Sankofa.Core.Ledger;

/// <summary>The governance board as the chain holds it (docs/governance.md): read only; members act with their own keys.</summary>
public interface IGovernanceLedger
{
    /// <summary>The board, or null when the contracts belong to none (<c>Ledger:Board</c> not configured).</summary>
    Task<GovernanceBoard?> GetBoardAsync(CancellationToken cancellationToken);

    /// <summary>The board's proposals, newest first, at most <paramref name="limit"/>, from its <c>Proposed</c> events.</summary>
    Task<IReadOnlyList<GovernanceProposal>> ListProposalsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The site failovers decided on chain (ResourceRegistry's <c>SiteFailedOver</c> and <c>SiteRestored</c> events) from
    /// block <paramref name="fromBlock"/> on, oldest first, and the last block read (read again from the one after it).
    /// </summary>
    Task<SiteFailoverChanges> ReadSiteFailoversAsync(long fromBlock, CancellationToken cancellationToken);
}

/// <summary>Failover decisions read from the chain.</summary>
/// <param name="Changes">Each decision, oldest first.</param>
/// <param name="LastBlock">The last block read.</param>
public sealed record SiteFailoverChanges(IReadOnlyList<SiteFailoverChange> Changes, long LastBlock);

/// <summary>One failover decision on chain; ids are keccak-256 of the site ids, as the contracts name sites.</summary>
/// <param name="Site">The site taken out of placement (or restored).</param>
/// <param name="To">The site that takes its role; null when <paramref name="Site"/> was restored.</param>
/// <param name="Transaction">The transaction that recorded it (the timelock's execution, once a board governs).</param>
/// <param name="Block">Its block.</param>
public sealed record SiteFailoverChange(byte[] Site, byte[]? To, string Transaction, long Block);

/// <summary>The board.</summary>
/// <param name="Board">SankofaBoard's address.</param>
/// <param name="Timelock">Its timelock's address (it holds the contracts' admin role).</param>
/// <param name="Members">The members' addresses.</param>
/// <param name="Threshold">Approvals a proposal needs.</param>
/// <param name="EmergencyThreshold">Approvals an emergency pause needs.</param>
/// <param name="DelaySeconds">How long a decided proposal waits.</param>
public sealed record GovernanceBoard(string Board, string Timelock, IReadOnlyList<string> Members, int Threshold, int EmergencyThreshold, long DelaySeconds);

/// <summary>A proposal.</summary>
/// <param name="Id">Its id (0x and 64 hex digits).</param>
/// <param name="Proposer">Who proposed it.</param>
/// <param name="State">pending, queued, executed or cancelled.</param>
/// <param name="Approvals">Approvals so far.</param>
/// <param name="Calls">Its calls: target address and calldata (0x hex).</param>
/// <param name="ReadyAt">When the timelock lets it run, once queued.</param>
/// <param name="Block">The block it was proposed in.</param>
/// <param name="Transaction">The proposing transaction.</param>
public sealed record GovernanceProposal(
    string Id, string Proposer, string State, int Approvals, IReadOnlyList<GovernanceCall> Calls, DateTimeOffset? ReadyAt, long Block, string Transaction);

/// <summary>One call of a proposal.</summary>
/// <param name="Target">The contract called.</param>
/// <param name="Calldata">The calldata (0x hex).</param>
public sealed record GovernanceCall(string Target, string Calldata);
