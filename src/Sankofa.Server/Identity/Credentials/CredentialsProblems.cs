using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sankofa.Core;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Identity.Credentials;

/// <summary>Turns a bad DID into ProblemDetails naming the field, with a <c>code</c> (other refusals go through <see cref="ErrorProblems"/>).</summary>
internal static class CredentialsProblems
{
    /// <summary>A DID that is not a did:ethr this server can read: 400, W3C's <c>invalidDid</c>.</summary>
    public static ProblemHttpResult InvalidDid(string field, string problem) =>
        Problem(StatusCodes.Status400BadRequest, "One or more fields are invalid.", problem, "invalidDid", new Dictionary<string, string[]> { [field] = [problem] });

    /// <summary>A DID that names nothing on this chain: 404, W3C's <c>notFound</c>.</summary>
    public static ProblemHttpResult DidNotFound(string did) =>
        Problem(StatusCodes.Status404NotFound, "Not found.", $"{did} names no identity or control plane on this chain.", "notFound",
            new Dictionary<string, string[]> { ["did"] = [$"{did} names no identity or control plane on this chain."] });

    public static ProblemHttpResult Invalid(string field, string problem) =>
        Error.Invalid(new Dictionary<string, string[]> { [field] = [problem] }).ToProblem();

    private static ProblemHttpResult Problem(int status, string title, string detail, string code, IReadOnlyDictionary<string, string[]> fields)
    {
        var problem = new ValidationProblemDetails(fields.ToDictionary(f => f.Key, f => f.Value)) { Status = status, Title = title, Detail = detail };
        problem.Extensions["code"] = code;
        return TypedResults.Problem(problem);
    }
}
