using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Ledger;

namespace Sankofa.Server.Identity.Access;

/// <summary>
/// After authentication: a bearer token that did not validate (tampered, expired, another issuer or audience, unsigned)
/// is refused with 401 rather than ignored; for a valid one, the chain is asked (through the status cache) whether the
/// identity is still active, and a suspended, revoked or unknown identity is refused with 403 whatever its token says.
/// When the chain cannot be read and no recent answer is known the call is refused with 503. The caller the endpoints
/// see is then <see cref="CallerExtensions.Caller"/>.
/// </summary>
internal sealed class CallerMiddleware(RequestDelegate next, IIdentityStatusCheck chain, IOptions<AuthOptions> options)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var bearer = http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        if (http.User.Identity?.IsAuthenticated != true)
        {
            if (bearer)
            {
                await InvalidTokenAsync(http, "The bearer token is not valid here: wrong signature, expired, another issuer or audience, or not signed.");
                return;
            }

            await next(http);
            return;
        }

        if (http.User.FindFirstValue("sub") is not { Length: > 0 } subject)
        {
            // Without a subject there is no identity to ask the chain about, so the token grants nothing.
            await InvalidTokenAsync(http, "The token names no subject ('sub'), so no identity can be checked on the chain.");
            return;
        }

        IdentityStatus status;
        try
        {
            status = await chain.GetStatusAsync(subject, http.RequestAborted);
        }
        catch (LedgerUnavailableException)
        {
            await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The chain cannot be read",
                detail: "Access is granted only while the chain lists the identity as active, and the chain cannot be read now. Try again shortly.",
                extensions: new Dictionary<string, object?> { ["code"] = "chain_unavailable" }).ExecuteAsync(http);
            return;
        }

        if (status != IdentityStatus.Active)
        {
            var word = status.ToWord();
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Identity not active",
                detail: status == IdentityStatus.None
                    ? "The chain does not know this identity: it must be registered before it can act."
                    : $"The chain lists this identity as {word}.",
                extensions: new Dictionary<string, object?> { ["code"] = "identity_" + (status == IdentityStatus.None ? "unknown" : word) }).ExecuteAsync(http);
            return;
        }

        var grants = http.User.FindAll(options.Value.RoleClaim)
            .Select(c => RoleGrant.TryParse(c.Value, out var g) ? g : null)
            .OfType<RoleGrant>()
            .ToList();
        http.Features.Set(new Caller(subject, http.User.FindFirstValue("name") ?? subject, grants));
        await next(http);
    }

    private static Task InvalidTokenAsync(HttpContext http, string detail)
    {
        http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer error=\"invalid_token\"";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid token", detail: detail,
            extensions: new Dictionary<string, object?> { ["code"] = "invalid_token" }).ExecuteAsync(http);
    }
}

/// <summary>The caller of the request, once <see cref="CallerMiddleware"/> has let it through.</summary>
internal static class CallerExtensions
{
    public static Caller? Caller(this HttpContext http) => http.Features.Get<Caller>();
}
