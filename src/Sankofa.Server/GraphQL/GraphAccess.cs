using GraphQL;
using Sankofa.Core.Identity;

namespace Sankofa.Server.GraphQL;

/// <summary>
/// The REST API's permission and tenant rules inside GraphQL resolvers. The caller travels in the user context; a field
/// needing a permission the caller holds nowhere is an error with code FORBIDDEN; another tenant's things are null or
/// NOT_FOUND, exactly as missing ones.
/// </summary>
internal static class GraphAccess
{
    /// <summary>The user-context key of the <see cref="Caller"/>.</summary>
    public const string CallerKey = "caller";

    /// <summary>The caller, or null for none.</summary>
    public static Caller? Caller(this IResolveFieldContext context) =>
        context.UserContext.TryGetValue(CallerKey, out var caller) ? caller as Caller : null;

    /// <summary>The caller, when it holds <paramref name="permission"/> somewhere; else a FORBIDDEN error.</summary>
    public static Caller Require(this IResolveFieldContext context, Permission permission) =>
        context.Caller() is { } caller && caller.HasAny(permission)
            ? caller
            : throw new ExecutionError($"Your roles do not allow this ({permission.ToName()}).") { Code = "FORBIDDEN", Data = { ["permission"] = permission.ToName() } };
}
