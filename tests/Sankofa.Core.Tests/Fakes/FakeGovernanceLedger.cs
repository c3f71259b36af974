using Sankofa.Core.Ledger;

namespace Sankofa.Core.Tests.Fakes;

/// <summary>A board in memory (or none), its proposals newest first; counts the proposal reads.</summary>
internal sealed class FakeGovernanceLedger(GovernanceBoard? board, params GovernanceProposal[] proposals) : IGovernanceLedger
{
    /// <summary>The limits the proposals were read with.</summary>
    public List<int> Reads { get; } = [];

    public Task<GovernanceBoard?> GetBoardAsync(CancellationToken cancellationToken) => Task.FromResult(board);

    public Task<IReadOnlyList<GovernanceProposal>> ListProposalsAsync(int limit, CancellationToken cancellationToken)
    {
        Reads.Add(limit);
        return Task.FromResult<IReadOnlyList<GovernanceProposal>>(board is null ? [] : [.. proposals.Take(limit)]);
    }

    public Task<SiteFailoverChanges> ReadSiteFailoversAsync(long fromBlock, CancellationToken cancellationToken) =>
        Task.FromResult(new SiteFailoverChanges([], fromBlock));
}
