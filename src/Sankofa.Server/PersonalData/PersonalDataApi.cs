using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.PersonalData;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;
using Sankofa.Server.Identity.Accounts;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.PersonalData;

/// <summary>
/// Subject-access export and erasure over REST (docs/personal-data.md). The endpoints need a signed-in caller only:
/// an identity may export its own data, so the permission (privacy.export, privacy.erase) is checked in
/// <see cref="SubjectAccessService"/>, which answers 403 naming it.
/// </summary>
internal static class PersonalDataApi
{
    public static IEndpointRouteBuilder MapPersonalDataApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/compliance/subjects").WithTags("Compliance");
        api.MapGet("/{id}/export", ExportAsync).WithName("ExportSubject")
            .WithSummary("Everything held about an identity as JSON, its personal data opened (privacy.export, or the identity itself).");
        api.MapPost("/{id}/erase", EraseAsync).WithName("EraseSubject")
            .WithSummary("Erases an identity's personal data by destroying its key; revokes it first. Audit proofs stay valid (privacy.erase).");
        return app;
    }

    private static async Task<Results<Ok<SubjectExportResponse>, ProblemHttpResult>> ExportAsync(
        string id, HttpContext context, SubjectAccessService subjects, ChainIdSource chainIds, CancellationToken cancellationToken)
    {
        var result = await subjects.ExportAsync(context.Caller()!, id, cancellationToken);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Ok(result.Value!.ToResponse(await chainIds.GetAsync(cancellationToken)));
    }

    private static async Task<Results<Ok<SubjectErasureResponse>, ProblemHttpResult>> EraseAsync(
        string id, HttpContext context, SubjectEraser eraser, CancellationToken cancellationToken)
    {
        var result = await eraser.EraseAsync(context.Caller()!, ProvisioningApi.Actor(context), id, cancellationToken);
        return result.Error is { } error ? error.ToProblem() : TypedResults.Ok(result.Value!.ToResponse());
    }
}
