using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core;
using Sankofa.Core.Ledger;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Ledger;

/// <summary>The governance board and its newest proposals, as the chain holds them: public facts, like the ledger's.</summary>
internal static class GovernanceApi
{
    private const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapGovernanceApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/governance", GetAsync)
            .WithName("GetGovernance").WithTags("Ledger")
            .WithSummary("The governance board that owns the contracts (members, thresholds, timelock, delay) and its newest proposals with their state, approvals and when they may run; 404 when the contracts belong to no board.")
            .AllowAnonymous(); // anyone can read the same from the chain; this only saves them the reading
        return app;
    }

    private static async Task<Results<Ok<GovernanceResponse>, ProblemHttpResult>> GetAsync(IGovernanceLedger governance, CancellationToken cancellationToken, int? limit = null)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return ErrorProblems.Invalid(new() { ["limit"] = [$"Must be between 1 and {MaxLimit} (was {limit})."] });
        }

        if (await governance.GetBoardAsync(cancellationToken) is not { } board)
        {
            return Error.NotFound("board", "The contracts belong to no governance board (Ledger:Board is not configured); the control plane's key administers them.").ToProblem();
        }

        var proposals = await governance.ListProposalsAsync(limit ?? 20, cancellationToken);
        return TypedResults.Ok(new GovernanceResponse(board, proposals));
    }
}

/// <summary>The board and its newest proposals.</summary>
/// <param name="Board">Members, thresholds, timelock and delay.</param>
/// <param name="Proposals">Newest first.</param>
public sealed record GovernanceResponse(GovernanceBoard Board, IReadOnlyList<GovernanceProposal> Proposals);
