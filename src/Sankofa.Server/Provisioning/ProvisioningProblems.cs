using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sankofa.Core.Provisioning;

namespace Sankofa.Server.Provisioning;

/// <summary>Turns a <see cref="ProvisioningError"/> into ProblemDetails naming the fields (and quotas, and rejected sites).</summary>
internal static class ProvisioningProblems
{
    public static ProblemHttpResult ToProblem(this ProvisioningError error)
    {
        var problem = new ValidationProblemDetails(error.Fields.ToDictionary(f => f.Key, f => f.Value))
        {
            Status = error.Kind switch
            {
                ProvisioningErrorKind.Invalid => StatusCodes.Status400BadRequest,
                ProvisioningErrorKind.NotFound => StatusCodes.Status404NotFound,
                ProvisioningErrorKind.Conflict or ProvisioningErrorKind.NoCapacity => StatusCodes.Status409Conflict,
                ProvisioningErrorKind.Forbidden => StatusCodes.Status403Forbidden,
                _ => StatusCodes.Status422UnprocessableEntity,
            },
            Title = error.Kind switch
            {
                ProvisioningErrorKind.Invalid => "One or more fields are invalid.",
                ProvisioningErrorKind.NotFound => "Not found.",
                ProvisioningErrorKind.QuotaExceeded => "Quota exceeded.",
                ProvisioningErrorKind.ConflictingConstraints => "The placement constraints cannot all hold.",
                ProvisioningErrorKind.NoCapacity => "No site can take the VM now.",
                ProvisioningErrorKind.Forbidden => "Not allowed.",
                _ => "Conflict.",
            },
            Detail = error.Message,
        };
        problem.Extensions["code"] = char.ToLowerInvariant(error.Kind.ToString()[0]) + error.Kind.ToString()[1..];
        if (error.MissingPermission is { } permission)
        {
            problem.Extensions["permission"] = permission;
        }

        if (error.QuotaRefusals.Count > 0)
        {
            problem.Extensions["quotas"] = error.QuotaRefusals.Select(ProvisioningMapping.Quota).ToList();
        }

        if (error.Rejected.Count > 0)
        {
            problem.Extensions["rejected"] = error.Rejected;
        }

        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult Invalid(Dictionary<string, string[]> errors) => ProvisioningError.Invalid(errors).ToProblem();
}
