using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Credentials;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Identity.Credentials;

/// <summary>Self-sovereign identity over REST: resolve a did:ethr, issue a role credential as a VC-JWT, verify one.</summary>
internal static class CredentialsApi
{
    /// <summary>The OpenAPI tag of these endpoints; authorization policies attach to the group by it.</summary>
    public const string Tag = "Credentials";

    public static IEndpointRouteBuilder MapCredentialsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags(Tag);

        // Resolving and verifying need no account: any party can check a credential without trusting (or knowing) us.
        api.MapGet("/dids/{did}", ResolveAsync).WithName("ResolveDid").AllowAnonymous()
            .WithSummary("Resolves a did:ethr on this chain: the DID document (W3C DID Core) and its status in the IdentityRegistry; suspended and revoked identities are deactivated.");
        api.MapPost("/credentials", IssueAsync).WithName("IssueCredential").RequireAuthorization() // anyone for its own roles; the handler decides
            .WithSummary("Issues a role credential (W3C VC 1.1 as JWT, ES256K, signed by this control plane) to an Active identity holding the role on chain: to oneself for one's own roles, to others by a tenant or platform administrator. Audited.");
        api.MapPost("/credentials/verify", VerifyAsync).WithName("VerifyCredential").AllowAnonymous()
            .WithSummary("Verifies a VC-JWT: signature, issuer, time window, and the subject's status and role on chain now. Answers 200 with valid and the reasons.");
        return app;
    }

    private static async Task<Results<Ok<DidResolutionResponse>, ProblemHttpResult>> ResolveAsync(string did, IDidResolver resolver, CancellationToken cancellationToken)
    {
        if (!EthrDid.TryParse(did, out var parsed, out var problem))
        {
            return CredentialsProblems.InvalidDid("did", problem);
        }

        var resolution = await resolver.ResolveAsync(parsed, cancellationToken);
        return resolution is null ? CredentialsProblems.DidNotFound(parsed.ToString()) : TypedResults.Ok(resolution.ToResponse());
    }

    private static async Task<Results<Created<IssuedCredentialResponse>, ProblemHttpResult>> IssueAsync(
        IssueCredentialBody? body, HttpContext context, CredentialService service, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return CredentialsProblems.Invalid("body", "A JSON body is required.");
        }

        if (!context.RequiredCaller().MayRequestCredential(body.SubjectIdentityId, body.Role, body.Scope))
        {
            return TenantAccess.Forbidden(
                $"Your roles do not allow issuing credentials for '{body.Role}'{(body.Scope is null ? string.Empty : "@" + body.Scope)}: only for your own roles, or for roles within tenants you administer.",
                Permission.CredentialsIssue);
        }

        var request = new CredentialRequest(body.SubjectIdentityId, body.SubjectDid, body.Role, body.Scope, body.ValidFor);
        var result = await service.IssueAsync(ProvisioningApi.Actor(context), request, cancellationToken);
        if (result.Error is { } error)
        {
            return error.ToProblem();
        }

        // No URL to fetch it back from: the control plane keeps no copy of the JWT, only the audit entry.
        var issued = result.Value!;
        return TypedResults.Created((string?)null, new IssuedCredentialResponse(issued.Jwt, issued.Credential.ToResponse()));
    }

    private static async Task<Results<Ok<CredentialVerificationResponse>, ProblemHttpResult>> VerifyAsync(
        VerifyCredentialBody? body, ICredentialVerifier verifier, CancellationToken cancellationToken)
    {
        if (body?.Jwt is not { } jwt || string.IsNullOrWhiteSpace(jwt))
        {
            return CredentialsProblems.Invalid("jwt", "Required: the compact VC-JWT to verify.");
        }

        return TypedResults.Ok((await verifier.VerifyAsync(jwt.Trim(), cancellationToken)).ToResponse());
    }
}
