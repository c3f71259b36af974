using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;

namespace Sankofa.Server.Identity.Access;

/// <summary><c>GET /api/v1/me</c>: who the token says the caller is, once the chain has said the identity is active.</summary>
internal static class MeApi
{
    public static IEndpointRouteBuilder MapMeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/me", Me).WithName("GetCaller").WithTags("Identity")
            .WithSummary("The caller: identity id, name, role grants and what they allow; 401 without a valid token, 403 when the chain does not list the identity as active.")
            .RequireAuthorization();
        return app;
    }

    private static Ok<CallerResponse> Me(HttpContext http)
    {
        var caller = http.Caller()!;
        return TypedResults.Ok(new CallerResponse(caller.Id, caller.Name, [.. caller.Grants.Select(g => g.ToClaim())],
            [.. Enum.GetValues<Permission>().Where(caller.HasAny).Select(p => p.ToString())]));
    }
}

/// <summary>The caller as the API sees it.</summary>
/// <param name="Id">Identity id (the token's subject; the on-chain identity id).</param>
/// <param name="Name">Display name.</param>
/// <param name="Roles">Role grants, <c>role</c> or <c>role@scope</c>.</param>
/// <param name="Permissions">What the grants allow somewhere (within which tenants is per request).</param>
public sealed record CallerResponse(string Id, string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Permissions);
