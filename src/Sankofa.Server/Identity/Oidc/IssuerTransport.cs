using System.Net;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Sankofa.Server.Identity.Oidc;

/// <summary>
/// The embedded issuer answers plain HTTP only to this machine: passwords, codes and tokens cross its endpoints, so a
/// request from anywhere else must arrive over HTTPS, directly or through a proxy named in <c>ForwardedHeaders:*</c>
/// (whose <c>X-Forwarded-Proto</c> then counts). <see cref="OidcOptions.RequireHttps"/> refuses plain HTTP from loopback too.
/// </summary>
internal static class IssuerTransport
{
    public static IApplicationBuilder UseIssuerTransport(this IApplicationBuilder app) =>
        app.UseWhen(IsIssuerRequest, branch => branch.Use((http, next) =>
            http.Request.IsHttps || http.Connection.RemoteIpAddress is not { } client || IPAddress.IsLoopback(client)
                ? next(http)
                : RefuseAsync(http)));

    private static bool IsIssuerRequest(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/connect") || http.Request.Path.StartsWithSegments("/.well-known");

    private static async Task RefuseAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The issuer answers plain HTTP only on this machine.",
            Detail = "Use HTTPS; behind a TLS-terminating proxy, name it in ForwardedHeaders:KnownProxies or ForwardedHeaders:KnownNetworks.",
        };
        // OAuth clients read these two (RFC 6749 §5.2); people and other clients read the rest.
        problem.Extensions["error"] = "invalid_request";
        problem.Extensions["error_description"] = "This server only accepts HTTPS requests from other machines.";
        await http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}
