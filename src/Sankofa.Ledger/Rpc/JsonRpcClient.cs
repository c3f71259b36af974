using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sankofa.Core.Ledger;

namespace Sankofa.Ledger.Rpc;

/// <summary>
/// A small JSON-RPC 2.0 client over HTTP. Written here rather than using Nethereum's RPC client because the
/// gateway needs batched requests (hundreds of raw transactions or receipt look-ups in one round trip) and
/// a per-call endpoint (the embedded chain's URL is only known after it starts).
/// </summary>
internal sealed class JsonRpcClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Func<Uri> _endpoint;
    private readonly bool _ownsHttp;
    private long _nextId;

    public JsonRpcClient(Func<Uri> endpoint, TimeSpan timeout, HttpClient? http = null)
    {
        _endpoint = endpoint;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 16 })
        {
            Timeout = timeout,
        };
    }

    public JsonRpcClient(Uri endpoint, TimeSpan timeout, HttpClient? http = null) : this(() => endpoint, timeout, http) { }

    public Uri Endpoint => _endpoint();

    /// <summary>Calls one method; JSON-RPC errors become <see cref="JsonRpcException"/>, transport failures <see cref="LedgerUnavailableException"/>.</summary>
    public async Task<JsonElement> CallAsync(string method, CancellationToken cancellationToken, params object?[] parameters)
    {
        var request = BuildRequest(method, parameters);
        var response = await PostAsync(request, cancellationToken).ConfigureAwait(false);
        return Unwrap(method, response);
    }

    /// <summary>Sends several calls in one HTTP request; each result is either a value or an error, in call order.</summary>
    public async Task<IReadOnlyList<JsonRpcResult>> BatchAsync(IReadOnlyList<JsonRpcCall> calls, CancellationToken cancellationToken)
    {
        if (calls.Count == 0)
        {
            return [];
        }

        var array = new JsonArray();
        var ids = new long[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            var request = BuildRequest(calls[i].Method, calls[i].Parameters);
            ids[i] = request["id"]!.GetValue<long>();
            array.Add(request);
        }

        var response = await PostAsync(array, cancellationToken).ConfigureAwait(false);
        if (response.ValueKind != JsonValueKind.Array)
        {
            // Some servers answer a whole batch with one error object (for example a body size limit).
            var error = response.TryGetProperty("error", out var e) ? ToException("batch", e) : new JsonRpcException(-32603, "unexpected batch response", null);
            return calls.Select(_ => new JsonRpcResult(default, error)).ToArray();
        }

        var byId = new Dictionary<long, JsonElement>(calls.Count);
        foreach (var item in response.EnumerateArray())
        {
            if (item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number)
            {
                byId[id.GetInt64()] = item;
            }
        }

        var results = new JsonRpcResult[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            if (!byId.TryGetValue(ids[i], out var item))
            {
                results[i] = new JsonRpcResult(default, new JsonRpcException(-32603, "no answer in batch response", null));
            }
            else if (item.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
            {
                results[i] = new JsonRpcResult(default, ToException(calls[i].Method, error));
            }
            else
            {
                results[i] = new JsonRpcResult(item.TryGetProperty("result", out var r) ? r.Clone() : default, null);
            }
        }

        return results;
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private JsonObject BuildRequest(string method, object?[] parameters)
    {
        var array = new JsonArray();
        foreach (var p in parameters)
        {
            array.Add(p is JsonNode node ? node : JsonSerializer.SerializeToNode(p));
        }

        return new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = Interlocked.Increment(ref _nextId),
            ["method"] = method,
            ["params"] = array,
        };
    }

    private async Task<JsonElement> PostAsync(JsonNode body, CancellationToken cancellationToken)
    {
        var endpoint = _endpoint();
        try
        {
            using var response = await _http.PostAsJsonAsync(endpoint, body, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            return document.RootElement.Clone();
        }
        catch (HttpRequestException ex)
        {
            throw new LedgerUnavailableException($"The chain at {endpoint} did not answer: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LedgerUnavailableException($"The chain at {endpoint} did not answer in time.", ex);
        }
        catch (JsonException ex)
        {
            throw new LedgerUnavailableException($"The chain at {endpoint} sent a response that is not JSON-RPC.", ex);
        }
    }

    private static JsonElement Unwrap(string method, JsonElement response)
    {
        if (response.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
        {
            throw ToException(method, error);
        }

        return response.TryGetProperty("result", out var result) ? result : default;
    }

    private static JsonRpcException ToException(string method, JsonElement error)
    {
        var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
        var message = error.TryGetProperty("message", out var m) ? m.ToString() : "unknown error";
        var data = error.TryGetProperty("data", out var d) ? d.ToString() : null;
        return new JsonRpcException(code, $"{method}: {message}", data);
    }
}

/// <summary>One call of a batch.</summary>
internal sealed record JsonRpcCall(string Method, params object?[] Parameters);

/// <summary>One answer of a batch: <see cref="Error"/> is set when the call failed.</summary>
internal readonly record struct JsonRpcResult(JsonElement Value, JsonRpcException? Error);

/// <summary>The node answered with a JSON-RPC error (the request reached it; retrying the same call will not help by itself).</summary>
internal sealed class JsonRpcException : Exception
{
    public JsonRpcException(int code, string message, string? data) : base(data is null ? message : $"{message} ({data})")
    {
        Code = code;
        Data0 = data;
    }

    public int Code { get; }

    /// <summary>
    /// Whether the node says the call reverted, as opposed to failing to answer: geth and anvil answer a revert with code 3,
    /// Besu with -32000 and "Execution reverted".
    /// </summary>
    public bool IsRevert => Code == 3 || Message.Contains("revert", StringComparison.OrdinalIgnoreCase);

    /// <summary>The error's data member, for reverts the ABI-encoded revert reason.</summary>
    public string? Data0 { get; }
}
