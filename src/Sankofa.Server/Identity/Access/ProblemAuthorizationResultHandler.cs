using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Net.Http.Headers;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;

namespace Sankofa.Server.Identity.Access;

/// <summary>
/// Answers a refused request the way every other API error is answered, as ProblemDetails with a code: 401 with a
/// Bearer challenge when no token came, 403 naming the permission when the caller's roles lack it everywhere. (The
/// default handler answers with an empty body, which tells a client nothing.)
/// </summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        // A policy naming its own schemes (the portal's cookie) challenges through them: a browser is sent to sign in.
        if (policy.AuthenticationSchemes.Count > 0)
        {
            return fallback.HandleAsync(next, context, policy, authorizeResult);
        }

        if (authorizeResult.Challenged)
        {
            context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in required",
                detail: "This endpoint needs a bearer token: sign in with 'sankofa login', or get one from the issuer at /connect/token.",
                extensions: new Dictionary<string, object?> { ["code"] = "unauthenticated" }).ExecuteAsync(context);
        }

        if (authorizeResult.Forbidden)
        {
            var permission = context.GetEndpoint()?.Metadata.GetMetadata<RequiredPermission>()?.Permission;
            var name = permission is { } p ? p.ToName() : null;
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed",
                detail: name is null ? "Your roles do not allow this." : $"Your roles do not allow this ({name}).",
                extensions: new Dictionary<string, object?> { ["code"] = "forbidden", ["permission"] = name }).ExecuteAsync(context);
        }

        return fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>Endpoint metadata: the permission an endpoint requires (for the refusal's wording).</summary>
/// <param name="Permission">The permission.</param>
internal sealed record RequiredPermission(Permission Permission);
