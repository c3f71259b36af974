using System.Net;
using System.Text.Json;

namespace Sankofa.Cli.Api;

/// <summary>
/// The server refused a request; <see cref="Exception.Message"/> names the fields it named, and <see cref="Body"/> keeps
/// its ProblemDetails. An <see cref="HttpRequestException"/>, so a command that only reports failures need not tell them apart.
/// </summary>
internal sealed class ApiProblemException(HttpStatusCode status, string body) : HttpRequestException(Describe(status, body), null, status)
{
    public string Body { get; } = body;

    private static string Describe(HttpStatusCode status, string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var lines = new List<string> { $"{(int)status} {(root.TryGetProperty("title", out var t) ? t.GetString() : status.ToString())}" };
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                lines.AddRange(errors.EnumerateObject().Select(e => $"  {e.Name}: {string.Join(" ", e.Value.EnumerateArray().Select(v => v.GetString()))}"));
            }
            else if (root.TryGetProperty("detail", out var d))
            {
                lines.Add("  " + d.GetString());
            }

            return string.Join(Environment.NewLine, lines);
        }
        catch (JsonException)
        {
            return $"{(int)status}: {body}";
        }
    }
}
