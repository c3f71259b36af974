using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Ledger;

namespace Sankofa.Server.Ledger;

/// <summary>Where the chain is: the CLI reads this to know which contract to check, then reads the roots from the chain itself.</summary>
internal static class LedgerApi
{
    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/ledger", async Task<Ok<LedgerStatus>> (ILedgerStatus ledger, CancellationToken ct) =>
                TypedResults.Ok(await ledger.GetStatusAsync(ct)))
            .WithName("GetLedgerStatus").WithTags("Ledger").WithSummary("Chain endpoint, chain id, height and contract addresses.")
            .AllowAnonymous(); // public facts about the chain: what anyone needs to verify our records without trusting us
        return app;
    }
}
