using System.Buffers;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Sankofa.Core.Ledger;
using Sankofa.Server.Agents;
using Sankofa.Server.Audit;
using Sankofa.Server.Provisioning;

namespace Sankofa.Cli.Api;

/// <summary>
/// The CLI's one typed client of the server's REST API (audit log, ledger, sites, site agents, resources). A refusal throws
/// <see cref="ApiProblemException"/> with the server's ProblemDetails, so the fields it named can be shown.
/// </summary>
internal sealed class SankofaApiClient(HttpClient http) : IDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        TypeInfoResolver = JsonTypeInfoResolver.Combine(CliJson.Default, new DefaultJsonTypeInfoResolver()),
    };

    public static SankofaApiClient Create(Uri server) => new(Http(server, TimeSpan.FromSeconds(60)));

    /// <summary>An HTTP client for the server that carries the caller's token (see <see cref="BearerTokenHandler"/>).</summary>
    public static HttpClient Http(Uri server, TimeSpan timeout) => new(new BearerTokenHandler(server)) { BaseAddress = server, Timeout = timeout };

    public Task<LedgerStatus> GetLedgerAsync(CancellationToken cancellationToken) =>
        GetAsync<LedgerStatus>("api/v1/ledger", cancellationToken)!;

    public async Task<AuditEntryResponse?> GetEntryAsync(long id, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"api/v1/audit/entries/{id}", UriKind.Relative), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await ReadAsync<AuditEntryResponse>(response, cancellationToken);
    }

    public async Task<AuditBatchResponse?> GetBatchAsync(long id, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"api/v1/audit/batches/{id}", UriKind.Relative), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await ReadAsync<AuditBatchResponse>(response, cancellationToken);
    }

    public Task<AuditPageResponse> GetChainAsync(long fromSequence, int limit, CancellationToken cancellationToken) =>
        GetAsync<AuditPageResponse>($"api/v1/audit/chain?fromSequence={fromSequence}&limit={limit}", cancellationToken);

    public Task<IReadOnlyList<Core.Audit.AuditChainGap>> GetChainGapsAsync(CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<Core.Audit.AuditChainGap>>("api/v1/audit/chain-gaps", cancellationToken);

    public Task<AuditPageResponse> ListEntriesAsync(long? before, int limit, CancellationToken cancellationToken) =>
        GetAsync<AuditPageResponse>(before is { } b ? $"api/v1/audit/entries?limit={limit}&before={b}" : $"api/v1/audit/entries?limit={limit}", cancellationToken);

    public async Task<ResourceResponse> CreateResourceAsync(object body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/resources") { Content = JsonContent.Create(body, options: Json) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<ResourceResponse>(response, cancellationToken);
    }

    public Task<ResourceResponse> GetResourceAsync(string id, CancellationToken cancellationToken) =>
        GetAsync<ResourceResponse>($"api/v1/resources/{Uri.EscapeDataString(id)}", cancellationToken);

    public Task<ResourcePageResponse> ListResourcesAsync(string query, CancellationToken cancellationToken) =>
        GetAsync<ResourcePageResponse>("api/v1/resources?" + query, cancellationToken);

    public async Task<ResourceResponse> ResizeResourceAsync(string id, ResizeRequestBody body, CancellationToken cancellationToken)
    {
        using var response = await http.PatchAsJsonAsync(new Uri($"api/v1/resources/{Uri.EscapeDataString(id)}", UriKind.Relative), body, Json, cancellationToken);
        return await ReadAsync<ResourceResponse>(response, cancellationToken);
    }

    public async Task<ResourceResponse> DeleteResourceAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync(new Uri($"api/v1/resources/{Uri.EscapeDataString(id)}", UriKind.Relative), cancellationToken);
        return await ReadAsync<ResourceResponse>(response, cancellationToken);
    }

    public Task<AgentPageResponse> ListAgentsAsync(string? siteId, long? after, int limit, CancellationToken cancellationToken) =>
        GetAsync<AgentPageResponse>($"api/v1/agents?limit={limit}" + (siteId is null ? "" : "&site=" + Uri.EscapeDataString(siteId)) + (after is { } a ? $"&after={a}" : ""),
            cancellationToken);

    /// <summary>Submits an agent's registration.json as it was written (the server checks every field, and refuses any it does not know).</summary>
    public async Task<AgentResponse> RegisterAgentAsync(string siteId, string registrationJson, CancellationToken cancellationToken)
    {
        using var content = new StringContent(registrationJson, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri($"api/v1/sites/{Uri.EscapeDataString(siteId)}/agents", UriKind.Relative), content, cancellationToken);
        return await ReadAsync<AgentResponse>(response, cancellationToken);
    }

    public async Task<AgentResponse> ApproveAgentAsync(string siteId, string address, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(
            new Uri($"api/v1/sites/{Uri.EscapeDataString(siteId)}/agents/{Uri.EscapeDataString(address)}/approve", UriKind.Relative), null, cancellationToken);
        return await ReadAsync<AgentResponse>(response, cancellationToken);
    }

    /// <summary>Submits an agent's rotation.json as it was written (the server checks every field, and refuses any it does not know).</summary>
    public async Task<AgentResponse> SubmitRotationAsync(string siteId, string rotationJson, CancellationToken cancellationToken)
    {
        using var content = new StringContent(rotationJson, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri($"api/v1/sites/{Uri.EscapeDataString(siteId)}/agents/rotations", UriKind.Relative), content, cancellationToken);
        return await ReadAsync<AgentResponse>(response, cancellationToken);
    }

    public async Task<AgentResponse> RevokeAgentAsync(string siteId, string address, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(
            new Uri($"api/v1/sites/{Uri.EscapeDataString(siteId)}/agents/{Uri.EscapeDataString(address)}/revoke", UriKind.Relative), null, cancellationToken);
        return await ReadAsync<AgentResponse>(response, cancellationToken);
    }

    /// <summary>POSTs a JSON body as written (the server checks every field) and reads the JSON answer; a refusal throws <see cref="ApiProblemException"/>.</summary>
    public async Task<T> PostJsonAsync<T>(string path, string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>DELETEs a path relative to the server and reads the JSON answer; a refusal throws <see cref="ApiProblemException"/>.</summary>
    public async Task<T> DeleteAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>GETs a path and copies the answer's body to <paramref name="destination"/>; a refusal throws <see cref="ApiProblemException"/>.</summary>
    public async Task DownloadAsync(string path, Stream destination, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiProblemException(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        await response.Content.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>POSTs raw bytes (a document) and reads the JSON answer; a refusal throws <see cref="ApiProblemException"/>.</summary>
    public async Task<T> PostBytesAsync<T>(string path, byte[] body, string contentType, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    public void Dispose() => http.Dispose();

    /// <summary>GETs a path relative to the server and reads the JSON answer; a refusal throws <see cref="ApiProblemException"/>.</summary>
    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        // Parsed as it arrives: an invoice's evidence is tens of MiB, read while the server still writes it.
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>
    /// GETs a path's answer into a buffer rented from <paramref name="pool"/>, which the caller returns: for large answers
    /// a short-lived command reads one after another, where a new array for each would be memory touched for the first
    /// time (a page fault per 4 KiB). A refusal throws <see cref="ApiProblemException"/>.
    /// </summary>
    /// <param name="path">The path, relative to the server.</param>
    /// <param name="accept">The media type asked for; an answer of another type is refused.</param>
    /// <param name="pool">Where the buffer comes from.</param>
    /// <param name="sizeHint">The size expected when the server does not say (a streamed answer), e.g. the last page's.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="FormatException">The server answered another media type.</exception>
    public async Task<(byte[] Buffer, int Length)> GetRentedAsync(string path, string accept, ArrayPool<byte> pool, int sizeHint, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue(accept));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiProblemException(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        if (!string.Equals(response.Content.Headers.ContentType?.MediaType, accept, StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"{path} answered {response.Content.Headers.ContentType?.MediaType ?? "no media type"}, not {accept}.");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = pool.Rent(response.Content.Headers.ContentLength is { } known and < int.MaxValue ? (int)known + 1 : Math.Max(sizeHint + 1, 1 << 16));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = pool.Rent(checked(buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    pool.Return(buffer);
                    buffer = bigger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
            }
        }
        catch
        {
            pool.Return(buffer);
            throw;
        }
    }

    /// <summary>GETs a document (a PDF, a CSV) as bytes; a refusal throws <see cref="ApiProblemException"/>.</summary>
    public async Task<byte[]> GetBytesAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiProblemException(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiProblemException(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
               ?? throw new HttpRequestException($"Empty answer from {response.RequestMessage?.RequestUri}.");
    }
}
