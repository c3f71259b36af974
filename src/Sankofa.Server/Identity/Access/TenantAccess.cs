using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Hosting;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Identity.Access;

/// <summary>
/// Tenant checks inside handlers, once the endpoint's policy has let through a caller holding the permission somewhere.
/// A caller who cannot see the tenant gets exactly the answer a missing id gets (404), so other tenants' ids cannot be
/// probed; one who can see it but may not do this gets 403.
/// </summary>
internal static class TenantAccess
{
    /// <summary>Null when the caller may do <paramref name="permission"/> in <paramref name="tenantId"/>; else the refusal.</summary>
    public static ProblemHttpResult? Deny(HttpContext http, Permission permission, string tenantId, Error notFound) =>
        AccessErrors.Denied(http.Caller(), permission, tenantId, notFound)?.ToProblem();

    /// <summary>The tenants whose things the caller may list with <paramref name="permission"/>; null: all.</summary>
    public static IReadOnlySet<string>? Tenants(HttpContext http, Permission permission) =>
        http.Caller() is { } caller ? caller.TenantsWith(permission) : new HashSet<string>();

    /// <summary>A 403 ProblemDetails with code <c>forbidden</c> naming the permission.</summary>
    public static ProblemHttpResult Forbidden(string detail, Permission permission) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.", detail: detail,
            extensions: new Dictionary<string, object?> { ["code"] = "forbidden", ["permission"] = permission.ToName() });

    /// <summary>The caller the policies let through (an endpoint needing a permission is never reached without one).</summary>
    public static Caller RequiredCaller(this HttpContext http) =>
        http.Caller() ?? throw new InvalidOperationException("No caller: the endpoint must require a permission.");
}
