using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Ledger;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Ledger;

/// <summary>The governance board and its newest proposals, as the chain holds them: public facts, like the ledger's.</summary>
internal static class GovernanceApi
{
    public static IEndpointRouteBuilder MapGovernanceApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/governance", GetAsync)
            .WithName("GetGovernance").WithTags("Ledger")
            .WithSummary("The governance board that owns the contracts (members, thresholds, timelock, delay) and its newest proposals with their state, approvals and when they may run; 404 when the contracts belong to no board.")
            .AllowAnonymous(); // anyone can read the same from the chain; this only saves them the reading
        return app;
    }

    private static async Task<Results<Ok<GovernanceResponse>, ProblemHttpResult>> GetAsync(GovernanceQueries governance, CancellationToken cancellationToken, int? limit = null)
    {
        var answer = await governance.GetAsync(limit, cancellationToken);
        return answer.Value is { } view ? TypedResults.Ok(new GovernanceResponse(view.Board, view.Proposals)) : answer.Error!.ToProblem();
    }
}

/// <summary>The board and its newest proposals.</summary>
/// <param name="Board">Members, thresholds, timelock and delay.</param>
/// <param name="Proposals">Newest first.</param>
public sealed record GovernanceResponse(GovernanceBoard Board, IReadOnlyList<GovernanceProposal> Proposals);
