using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Evidence;
using Sankofa.Server.Hosting;
using Sankofa.Server.Portal;

namespace Sankofa.Server.Evidence;

/// <summary>
/// The portal's links to a run's package and report, under its cookie session rather than a bearer token: the same Core
/// calls as <c>GET /api/v1/compliance/evidence-runs/{id}/package</c> and <c>/report</c>, for the signed-in caller.
/// </summary>
internal static class EvidenceDownloads
{
    public static IEndpointRouteBuilder MapEvidenceDownloads(this IEndpointRouteBuilder app)
    {
        var run = app.MapGroup("/compliance/evidence/{id:long}").ExcludeFromDescription().RequireAuthorization(PortalAuthentication.Policy);
        run.MapGet("/package", (long id, HttpContext context, PortalSession session, EvidenceRuns runs) =>
            AsCallerAsync(context, session, async caller => Answer(await runs.GetPackageAsync(caller, id, context.RequestAborted), "application/json", $"evidence-run-{id}.json")));
        run.MapGet("/report", (long id, HttpContext context, PortalSession session, EvidenceRuns runs) =>
            AsCallerAsync(context, session, async caller => Answer(await runs.GetReportAsync(caller, id, context.RequestAborted), "application/pdf", $"evidence-run-{id}.pdf")));
        return app;
    }

    private static Results<FileContentHttpResult, ProblemHttpResult> Answer(Core.Result<byte[]> result, string type, string name) =>
        result.Error is { } error ? error.ToProblem() : TypedResults.File(result.Value!, type, name);

    // The same check as every page: signed in, and listed as active on chain now.
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> AsCallerAsync(
        HttpContext context, PortalSession session, Func<Core.Access.Caller, Task<Results<FileContentHttpResult, ProblemHttpResult>>> download)
    {
        var portal = await session.CallerAsync(context.User, context.RequestAborted);
        return portal.Caller is { } caller
            ? await download(caller)
            : TypedResults.Problem(portal.Refusal, statusCode: StatusCodes.Status403Forbidden, title: "Access refused");
    }
}
