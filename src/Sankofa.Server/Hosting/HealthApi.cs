using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Ledger;
using Sankofa.Data;

namespace Sankofa.Server.Hosting;

/// <summary>Liveness and readiness endpoints for orchestrators and load balancers.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthReport("ok", null, null)))
            .WithName("Liveness").WithTags("Operations").WithSummary("The process is up.").AllowAnonymous();
        app.MapGet("/readyz", ReadyAsync)
            .WithName("Readiness").WithTags("Operations").WithSummary("The database and the chain answer.").AllowAnonymous();
        return app;
    }

    private static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> ReadyAsync(
        IStoreHealth store, ILedgerStatus ledger, CancellationToken cancellationToken)
    {
        string database;
        try
        {
            database = await store.CanConnectAsync(cancellationToken) ? "ok" : "unreachable";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            database = "error: " + ex.GetBaseException().Message;
        }

        string chain;
        try
        {
            var status = await ledger.GetStatusAsync(cancellationToken);
            chain = $"ok (chain {status.ChainId}, block {status.BlockNumber})";
        }
        catch (LedgerUnavailableException ex)
        {
            chain = "unreachable: " + ex.Message;
        }

        var ready = database == "ok" && chain.StartsWith("ok", StringComparison.Ordinal);
        var report = new HealthReport(ready ? "ready" : "not ready", database, chain);
        return ready ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>Health answer.</summary>
/// <param name="Status">ok, ready or not ready.</param>
/// <param name="Database">Database check result (readiness only).</param>
/// <param name="Chain">Chain check result (readiness only).</param>
public sealed record HealthReport(string Status, string? Database, string? Chain);
