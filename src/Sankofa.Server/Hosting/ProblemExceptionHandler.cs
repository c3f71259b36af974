using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;

namespace Sankofa.Server.Hosting;

/// <summary>
/// Turns the exceptions that mean "the client sent something wrong" or "the chain is away" into ProblemDetails
/// that name the field, instead of a bare 400 or a 500.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            // A body sent without a length (chunked) meets the bound only as it is read.
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                HttpEdgeExtensions.TooLarge(httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize),
            BadHttpRequestException bad => FromBadRequest(bad),
            AuditValidationException invalid => Validation(invalid.Errors),
            // Its message names the node's URL, credentials and all, which no caller may see.
            LedgerUnavailableException => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The chain cannot be reached.",
                Detail = "The chain did not answer; try again in a moment.",
            },
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception })
            .ConfigureAwait(false);
    }

    internal static ValidationProblemDetails Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(errors.ToDictionary(e => e.Key, e => e.Value))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
        };

    private static ProblemDetails FromBadRequest(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
            return Validation(new Dictionary<string, string[]> { [field] = [JsonMessage(json)] });
        }

        var parameter = ParameterName().Match(bad.Message);
        if (parameter.Success)
        {
            return Validation(new Dictionary<string, string[]>
            {
                [parameter.Groups["name"].Value] = [$"'{parameter.Groups["value"].Value}' is not a valid {Friendly(parameter.Groups["type"].Value)}."],
            });
        }

        if (bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase))
        {
            return Validation(new Dictionary<string, string[]> { ["body"] = [bad.Message] });
        }

        return new ProblemDetails { Status = bad.StatusCode, Title = "Bad request.", Detail = bad.Message };
    }

    private static string Friendly(string type) => type.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('>') switch
    {
        "int" or "long" => "whole number",
        "DateTimeOffset" => "date and time (ISO 8601, e.g. 2026-01-31T12:00:00Z)",
        "bool" => "boolean (true or false)",
        var other => other,
    };

    // System.Text.Json messages end with "Path: … | LineNumber: … | BytePositionInLine: …"; keep the sentence, drop the rest.
    private static string JsonMessage(JsonException json)
    {
        var message = json.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return "Unknown field.";
        }

        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    // ASP.NET Core's message: Failed to bind parameter "int? limit" from "abc".
    [GeneratedRegex(@"parameter ""(?<type>[^ ""]+) (?<name>[^""]+)"" from ""(?<value>[^""]*)""", RegexOptions.ExplicitCapture)]
    private static partial Regex ParameterName();
}
