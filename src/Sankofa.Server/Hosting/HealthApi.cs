using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Ledger;
using Sankofa.Data;

namespace Sankofa.Server.Hosting;

/// <summary>
/// Liveness and readiness endpoints for orchestrators and load balancers. Anyone may ask, so the answers are our own
/// words: an exception's text can name hosts, paths or a connection string's credentials, and goes to the log alone.
/// </summary>
internal static partial class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthReport("ok", null, null, null)))
            .WithName("Liveness").WithTags("Operations").WithSummary("The process is up.").AllowAnonymous();
        app.MapGet("/readyz", ReadyAsync)
            .WithName("Readiness").WithTags("Operations").WithSummary("The database and the chain answer.").AllowAnonymous();
        return app;
    }

    private static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> ReadyAsync(
        IStoreHealth store, ILedgerStatus ledger, Audit.AuditChainCheck auditCheck, Provisioning.ResourceChainAheadCheck resourceCheck, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(HealthApi).FullName!);
        string database;
        try
        {
            database = await store.CanConnectAsync(cancellationToken) ? "ok" : "unreachable";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            DatabaseFailed(logger, ex);
            database = "error";
        }

        string chain;
        try
        {
            var status = await ledger.GetStatusAsync(cancellationToken);
            chain = $"ok (chain {status.ChainId}, block {status.BlockNumber})";
        }
        catch (LedgerUnavailableException ex)
        {
            ChainUnreachable(logger, ex);
            chain = "unreachable";
        }

        var ready = database == "ok" && chain.StartsWith("ok", StringComparison.Ordinal);
        var report = new HealthReport(ready ? "ready" : "not ready", database, chain, auditCheck.Describe()) { Resources = resourceCheck.Describe() };
        return ready ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>Health answer.</summary>
/// <param name="Status">ok, ready or not ready.</param>
/// <param name="Database">Database check result (readiness only).</param>
/// <param name="Chain">Chain check result (readiness only).</param>
/// <param name="Audit">
/// Whether the audit worker compared the store with the chain since start, and what the chain holds beyond the store
/// (after a restore from a backup); informative, not a readiness condition (readiness only).
/// </param>
public sealed record HealthReport(string Status, string? Database, string? Chain, string? Audit)
{
    /// <summary>
    /// Whether the resource chain check compared the store's resources with the chain since start, and what the chain
    /// holds beyond the store (after a restore from a backup); informative, not a readiness condition (readiness only).
    /// </summary>
    public string? Resources { get; init; }
}
