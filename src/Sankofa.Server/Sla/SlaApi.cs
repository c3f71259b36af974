using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Access;
using Sankofa.Core.Billing;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;

namespace Sankofa.Server.Sla;

/// <summary>SLA reports over REST (docs/billing.md).</summary>
internal static class SlaApi
{
    public static IEndpointRouteBuilder MapSlaApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/sla", GetAsync).WithTags("SLA").WithName("GetSlaReport").Requires(Permission.BillingRead)
            .WithSummary("A tenant's availability per VM over a period (default: the current calendar month so far), against its tier's target, with breaches and the credits due.");
        return app;
    }

    private static async Task<Results<Ok<SlaReportResponse>, ProblemHttpResult>> GetAsync(
        string? tenant, string? from, string? to, HttpContext context, SlaReports reports, CancellationToken cancellationToken)
    {
        var answer = await reports.GetAsync(context.RequiredCaller(), new SlaReportRequest(tenant, from, to), cancellationToken);
        return answer.Value is { } report ? TypedResults.Ok(SlaReportResponse.Of(report)) : answer.Error!.ToProblem();
    }
}
