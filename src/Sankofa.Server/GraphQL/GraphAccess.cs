using GraphQL;
using Sankofa.Core;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Provisioning;

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

    /// <summary>The signed-in caller (the endpoint answers 401 to anyone else, so none reaching here is a defect, not a refusal).</summary>
    public static Caller SignedIn(this IResolveFieldContext context) =>
        context.Caller() ?? throw new InvalidOperationException("A GraphQL field ran without a signed-in caller.");

    /// <summary>Who the audit log names for a change made through GraphQL, as <c>api:</c> names REST's.</summary>
    public static string Actor(this Caller caller) => "graphql:" + caller.Id;

    /// <summary>The answer of a Core query, or its refusal as an error (a refused argument names the argument).</summary>
    public static T Answer<T>(this Result<T> result) =>
        result.Error is { } error ? throw (error.Kind == ErrorKind.Invalid ? BadArgument(error) : ToGraphError(error)) : result.Value!;

    /// <summary>As <see cref="Answer{T}"/>, but a missing (or another tenant's) thing is null, as GraphQL shows one.</summary>
    public static T? AnswerOrNull<T>(this Result<T> result)
        where T : class =>
        result.Error is { Kind: ErrorKind.NotFound } ? null : result.Answer();

    /// <summary>The refusal the REST API answers as ProblemDetails, as a GraphQL error: the code says its kind, the data names the fields.</summary>
    public static ExecutionError ToGraphError(Error error)
    {
        var e = new ExecutionError(error.Message)
        {
            Code = error.Kind switch
            {
                ErrorKind.Invalid => "BAD_USER_INPUT",
                ErrorKind.NotFound => "NOT_FOUND",
                ErrorKind.Conflict => "CONFLICT",
                ErrorKind.QuotaExceeded => "QUOTA_EXCEEDED",
                ErrorKind.ConflictingConstraints => "CONFLICTING_CONSTRAINTS",
                ErrorKind.Forbidden => "FORBIDDEN",
                ErrorKind.NotActive => "NOT_ACTIVE",
                ErrorKind.RoleNotGranted => "ROLE_NOT_GRANTED",
                _ => "NO_CAPACITY",
            },
        };
        e.Data["fields"] = error.Fields.ToDictionary(f => f.Key, f => (object)f.Value);
        return e;
    }

    /// <summary>A refused query argument: the message and data name it (Core calls the page size 'limit', GraphQL 'first').</summary>
    private static ExecutionError BadArgument(Error error)
    {
        var (field, problems) = error.Fields.First();
        var argument = field == "limit" ? "first" : field;
        return new ExecutionError($"'{argument}': {problems[0]}") { Code = "BAD_USER_INPUT", Data = { ["argument"] = argument } };
    }
}
