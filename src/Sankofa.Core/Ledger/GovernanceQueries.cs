namespace Sankofa.Core.Ledger;

/// <summary>
/// Every read of the governance board (docs/governance.md): public facts anyone can read from the chain, so no caller is
/// asked for; REST, GraphQL and the portal map these. Read only: members act with their own keys (<c>sankofa gov</c>).
/// </summary>
/// <param name="ledger">The board as the chain holds it.</param>
public sealed class GovernanceQueries(IGovernanceLedger ledger)
{
    /// <summary>Most proposals one read returns.</summary>
    public const int MaxLimit = 100;

    /// <summary>Proposals returned when no limit is given.</summary>
    public const int DefaultLimit = 20;

    /// <summary>The board and its newest proposals (see <see cref="ListProposalsAsync"/>); the limit is checked first, then the board's existence.</summary>
    public async Task<Result<GovernanceView>> GetAsync(int? limit, CancellationToken cancellationToken)
    {
        if (CheckLimit(limit) is { } invalid)
        {
            return invalid;
        }

        var board = await GetBoardAsync(cancellationToken).ConfigureAwait(false);
        if (board.Error is { } error)
        {
            return error;
        }

        var proposals = await ledger.ListProposalsAsync(limit ?? DefaultLimit, cancellationToken).ConfigureAwait(false);
        return Result<GovernanceView>.Ok(new GovernanceView(board.Value!, proposals));
    }

    /// <summary>The board, or a not-found error naming <c>board</c> when the contracts belong to none.</summary>
    public async Task<Result<GovernanceBoard>> GetBoardAsync(CancellationToken cancellationToken) =>
        await ledger.GetBoardAsync(cancellationToken).ConfigureAwait(false) is { } board
            ? Result<GovernanceBoard>.Ok(board)
            : Error.NotFound("board", "The contracts belong to no governance board (Ledger:Board is not configured); the control plane's key administers them.");

    /// <summary>The board's newest proposals, newest first: at most <paramref name="limit"/> (1 to <see cref="MaxLimit"/>, default <see cref="DefaultLimit"/>).</summary>
    public async Task<Result<IReadOnlyList<GovernanceProposal>>> ListProposalsAsync(int? limit, CancellationToken cancellationToken)
    {
        if (CheckLimit(limit) is { } invalid)
        {
            return invalid;
        }

        return Result<IReadOnlyList<GovernanceProposal>>.Ok(await ledger.ListProposalsAsync(limit ?? DefaultLimit, cancellationToken).ConfigureAwait(false));
    }

    private static Error? CheckLimit(int? limit) =>
        limit is < 1 or > MaxLimit ? Error.Invalid(new Dictionary<string, string[]> { ["limit"] = [$"Must be between 1 and {MaxLimit} (was {limit})."] }) : null;
}

/// <summary>The board and its newest proposals.</summary>
/// <param name="Board">Members, thresholds, timelock and delay.</param>
/// <param name="Proposals">Newest first.</param>
public sealed record GovernanceView(GovernanceBoard Board, IReadOnlyList<GovernanceProposal> Proposals);
