using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Access;
using Sankofa.Core.Evidence;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;

namespace Sankofa.Server.Evidence;

/// <summary>Control evidence over REST: runs per period, their packages (the anchored JSON) and PDF reports.</summary>
internal static class EvidenceApi
{
    public static IEndpointRouteBuilder MapEvidenceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/compliance/evidence-runs").WithTags("Compliance");
        api.MapPost("/", RunAsync).WithName("CreateEvidenceRun").Requires(Permission.EvidenceRun)
            .WithSummary("Collects the control evidence of a period (default: the previous calendar month), stores the package and report and anchors the package's SHA-256 through an audit entry. A period already run answers its run (200) unless 'rerun' is true.");
        api.MapGet("/", ListAsync).WithName("ListEvidenceRuns").Requires(Permission.EvidenceRead).WithSummary("Evidence runs, newest first, paged with ?before=.");
        api.MapGet("/{id:long}", GetAsync).WithName("GetEvidenceRun").Requires(Permission.EvidenceRead).WithSummary("One evidence run.");
        api.MapGet("/{id:long}/package", PackageAsync).WithName("GetEvidencePackage").Requires(Permission.EvidenceRead)
            .WithSummary("The package: canonical JSON (sankofa.control-evidence/1), exactly the bytes whose SHA-256 the audit entry anchors.");
        api.MapGet("/{id:long}/report", ReportAsync).WithName("GetEvidenceReport").Requires(Permission.EvidenceRead).WithSummary("The PDF report of the package.");
        app.MapEvidenceDownloads();
        return app;
    }

    private static async Task<Results<Created<EvidenceRunResponse>, Ok<EvidenceRunResponse>, ProblemHttpResult>> RunAsync(
        EvidenceRunBody? body, HttpContext context, EvidenceRuns runs, CancellationToken cancellationToken)
    {
        var result = await runs.RunAsync(context.RequiredCaller(), body?.From, body?.To, body?.Rerun ?? false, cancellationToken);
        if (result.Error is { } error)
        {
            return error.ToProblem();
        }

        var (run, created) = result.Value!;
        return created ? TypedResults.Created($"/api/v1/compliance/evidence-runs/{run.Id}", run.ToResponse()) : TypedResults.Ok(run.ToResponse());
    }

    private static async Task<Results<Ok<EvidenceRunPageResponse>, ProblemHttpResult>> ListAsync(
        HttpContext context, EvidenceRuns runs, CancellationToken cancellationToken, long? before = null, int? limit = null)
    {
        var page = await runs.ListAsync(context.RequiredCaller(), before, limit, cancellationToken);
        return page.Error is { } error ? error.ToProblem() : TypedResults.Ok(page.Value!.ToResponse());
    }

    private static async Task<Results<Ok<EvidenceRunResponse>, ProblemHttpResult>> GetAsync(long id, HttpContext context, EvidenceRuns runs, CancellationToken cancellationToken)
    {
        var run = await runs.GetAsync(context.RequiredCaller(), id, cancellationToken);
        return run.Error is { } error ? error.ToProblem() : TypedResults.Ok(run.Value!.ToResponse());
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PackageAsync(long id, HttpContext context, EvidenceRuns runs, CancellationToken cancellationToken)
    {
        var package = await runs.GetPackageAsync(context.RequiredCaller(), id, cancellationToken);
        return package.Error is { } error ? error.ToProblem() : TypedResults.File(package.Value!, "application/json", $"evidence-run-{id}.json");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ReportAsync(long id, HttpContext context, EvidenceRuns runs, CancellationToken cancellationToken)
    {
        var report = await runs.GetReportAsync(context.RequiredCaller(), id, cancellationToken);
        return report.Error is { } error ? error.ToProblem() : TypedResults.File(report.Value!, "application/pdf", $"evidence-run-{id}.pdf");
    }
}
