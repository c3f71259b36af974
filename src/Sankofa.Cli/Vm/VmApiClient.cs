using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Core.Ledger;
using Sankofa.Server.Provisioning;

namespace Sankofa.Cli.Vm;

/// <summary>The resources part of the REST API, for <c>sankofa vm</c>. Refusals keep the server's ProblemDetails so the fields can be shown.</summary>
internal sealed class VmApiClient(HttpClient http) : IDisposable
{
    public static VmApiClient Create(Uri server) => new(SankofaApiClient.Http(server, TimeSpan.FromSeconds(60)));

    public async Task<ResourceResponse> CreateAsync(object body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/resources") { Content = JsonContent.Create(body, options: SankofaApiClient.Json) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<ResourceResponse>(response, cancellationToken);
    }

    public async Task<ResourceResponse> GetAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"api/v1/resources/{Uri.EscapeDataString(id)}", UriKind.Relative), cancellationToken);
        return await ReadAsync<ResourceResponse>(response, cancellationToken);
    }

    public async Task<ResourcePageResponse> ListAsync(string query, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("api/v1/resources?" + query, UriKind.Relative), cancellationToken);
        return await ReadAsync<ResourcePageResponse>(response, cancellationToken);
    }

    public async Task<ResourceResponse> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync(new Uri($"api/v1/resources/{Uri.EscapeDataString(id)}", UriKind.Relative), cancellationToken);
        return await ReadAsync<ResourceResponse>(response, cancellationToken);
    }

    public async Task<LedgerStatus> GetLedgerAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("api/v1/ledger", UriKind.Relative), cancellationToken);
        return await ReadAsync<LedgerStatus>(response, cancellationToken);
    }

    public void Dispose() => http.Dispose();

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiProblemException(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        return await response.Content.ReadFromJsonAsync<T>(SankofaApiClient.Json, cancellationToken)
               ?? throw new HttpRequestException($"Empty answer from {response.RequestMessage?.RequestUri}.");
    }
}

/// <summary>The server refused a request; <see cref="Exception.Message"/> names the fields it named.</summary>
internal sealed class ApiProblemException(HttpStatusCode status, string body) : Exception(Describe(status, body))
{
    public HttpStatusCode Status { get; } = status;

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
