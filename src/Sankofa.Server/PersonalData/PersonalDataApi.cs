using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;
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
        string id, HttpContext context, SubjectAccessService subjects, IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations,
        CancellationToken cancellationToken)
    {
        var result = await subjects.EraseAsync(context.Caller()!, ProvisioningApi.Actor(context), id, cancellationToken);
        if (result.Error is { } error)
        {
            return error.ToProblem();
        }

        // The issuer's stored tokens and authorizations of the subject go too: nothing of it is left to renew or to read.
        await foreach (var token in tokens.FindBySubjectAsync(id, cancellationToken))
        {
            await tokens.DeleteAsync(token, cancellationToken);
        }

        await foreach (var authorization in authorizations.FindBySubjectAsync(id, cancellationToken))
        {
            await authorizations.DeleteAsync(authorization, cancellationToken);
        }

        var erased = result.Value!;
        return TypedResults.Ok(new SubjectErasureResponse(erased.SubjectId, erased.ErasedAt, erased.AlreadyErased));
    }
}
