using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sankofa.Core.Identity.Credentials;

namespace Sankofa.Server.Identity.Credentials;

/// <summary>Turns a <see cref="CredentialError"/> or a bad DID into ProblemDetails naming the field, with a <c>code</c>.</summary>
internal static class CredentialsProblems
{
    public static ProblemHttpResult ToProblem(this CredentialError error)
    {
        var (status, title) = error.Kind switch
        {
            CredentialErrorKind.Invalid => (StatusCodes.Status400BadRequest, "One or more fields are invalid."),
            CredentialErrorKind.NotFound => (StatusCodes.Status404NotFound, "Not found."),
            CredentialErrorKind.NotActive => (StatusCodes.Status409Conflict, "The identity is not active on chain."),
            _ => (StatusCodes.Status409Conflict, "The chain does not grant the role."),
        };
        return Problem(status, title, error.Message, Code(error.Kind.ToString()), error.Fields);
    }

    /// <summary>A DID that is not a did:ethr this server can read: 400, W3C's <c>invalidDid</c>.</summary>
    public static ProblemHttpResult InvalidDid(string field, string problem) =>
        Problem(StatusCodes.Status400BadRequest, "One or more fields are invalid.", problem, "invalidDid", new Dictionary<string, string[]> { [field] = [problem] });

    /// <summary>A DID that names nothing on this chain: 404, W3C's <c>notFound</c>.</summary>
    public static ProblemHttpResult DidNotFound(string did) =>
        Problem(StatusCodes.Status404NotFound, "Not found.", $"{did} names no identity or control plane on this chain.", "notFound",
            new Dictionary<string, string[]> { ["did"] = [$"{did} names no identity or control plane on this chain."] });

    public static ProblemHttpResult Invalid(string field, string problem) =>
        CredentialError.Invalid(new Dictionary<string, string[]> { [field] = [problem] }).ToProblem();

    private static ProblemHttpResult Problem(int status, string title, string detail, string code, IReadOnlyDictionary<string, string[]> fields)
    {
        var problem = new ValidationProblemDetails(fields.ToDictionary(f => f.Key, f => f.Value)) { Status = status, Title = title, Detail = detail };
        problem.Extensions["code"] = code;
        return TypedResults.Problem(problem);
    }

    private static string Code(string kind) => char.ToLowerInvariant(kind[0]) + kind[1..];
}
