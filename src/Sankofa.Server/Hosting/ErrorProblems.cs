using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sankofa.Core;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Hosting;

/// <summary>Turns a <see cref="Error"/> into ProblemDetails naming the fields (and quotas, and rejected sites).</summary>
internal static class ErrorProblems
{
    public static ProblemHttpResult ToProblem(this Error error)
    {
        var problem = new ValidationProblemDetails(error.Fields.ToDictionary(f => f.Key, f => f.Value))
        {
            Status = error.Kind switch
            {
                ErrorKind.Invalid => StatusCodes.Status400BadRequest,
                ErrorKind.NotFound => StatusCodes.Status404NotFound,
                ErrorKind.Conflict or ErrorKind.NoCapacity or ErrorKind.NotActive or ErrorKind.RoleNotGranted => StatusCodes.Status409Conflict,
                ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
                _ => StatusCodes.Status422UnprocessableEntity,
            },
            Title = error.Kind switch
            {
                ErrorKind.Invalid => "One or more fields are invalid.",
                ErrorKind.NotFound => "Not found.",
                ErrorKind.QuotaExceeded => "Quota exceeded.",
                ErrorKind.ConflictingConstraints => "The placement constraints cannot all hold.",
                ErrorKind.NoCapacity => "No site can take the VM now.",
                ErrorKind.Forbidden => "Not allowed.",
                ErrorKind.NotActive => "The identity is not active on chain.",
                ErrorKind.RoleNotGranted => "The chain does not grant the role.",
                _ => "Conflict.",
            },
            Detail = error.Message,
        };
        problem.Extensions["code"] = char.ToLowerInvariant(error.Kind.ToString()[0]) + error.Kind.ToString()[1..];
        if (error.MissingPermission is { } permission)
        {
            problem.Extensions["permission"] = permission;
        }

        if (error is QuotaExceededError quota)
        {
            problem.Extensions["quotas"] = quota.Refusals.Select(ProvisioningMapping.Quota).ToList();
        }

        if (error is PlacementRefusedError { Rejected.Count: > 0 } placement)
        {
            problem.Extensions["rejected"] = placement.Rejected;
        }

        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult Invalid(Dictionary<string, string[]> errors) => Error.Invalid(errors).ToProblem();
}
