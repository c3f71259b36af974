using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Residency;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;

namespace Sankofa.Server.Compliance;

/// <summary>Data residency over REST: a tenant's report with the chain's proof of each placement.</summary>
internal static class ResidencyApi
{
    public static IEndpointRouteBuilder MapResidencyApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/compliance/residency", ReportAsync).WithTags("Compliance").WithName("GetResidencyReport")
            .Requires(Core.Access.Permission.ResidencyRead)
            .WithSummary("Every resource of the tenant that existed in [from, to): where it ran (site, jurisdiction), the chain's record of the placement, and flags for anything outside its allowed jurisdictions or differing from the chain.");
        return app;
    }

    private static async Task<Results<Ok<ResidencyReportResponse>, ProblemHttpResult>> ReportAsync(
        HttpContext context, ResidencyReports reports, CancellationToken cancellationToken,
        string? tenant = null, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var report = await reports.ReportAsync(context.RequiredCaller(), tenant, from, to, cancellationToken);
        return report.Error is { } error ? error.ToProblem() : TypedResults.Ok(report.Value!.ToResponse());
    }
}
