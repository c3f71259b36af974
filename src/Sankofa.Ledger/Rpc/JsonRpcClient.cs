using System.Text.Json;
using System.Text.Json.Nodes;
using Sankofa.Core.Ledger;

namespace Sankofa.Ledger.Rpc;

/// <summary>
/// A small JSON-RPC 2.0 client over HTTP, or over a node's IPC socket when the endpoint is a file path (the embedded
/// chain). Written here rather than using Nethereum's RPC client because the gateway needs batched requests (hundreds
/// of raw transactions or receipt look-ups in one round trip).
/// </summary>
internal sealed class JsonRpcClient : IDisposable
{
    private readonly IJsonRpcTransport _transport;
    private long _nextId;

    public JsonRpcClient(Uri endpoint, TimeSpan timeout, HttpClient? http = null)
    {
        Endpoint = endpoint;
        _transport = endpoint.IsFile ? new IpcTransport(endpoint.LocalPath, timeout) : new HttpTransport(endpoint, timeout, http);
    }

    public Uri Endpoint { get; }

    /// <summary>Calls one method; JSON-RPC errors become <see cref="JsonRpcException"/>, transport failures <see cref="LedgerUnavailableException"/>.</summary>
    public async Task<JsonElement> CallAsync(string method, CancellationToken cancellationToken, params object?[] parameters)
    {
        var request = BuildRequest(method, parameters);
        var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
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

        var response = await _transport.SendAsync(array, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Sends a request (or batch) as it is and returns the node's answer as it is, errors included.</summary>
    public Task<JsonElement> SendAsync(JsonNode request, CancellationToken cancellationToken) => _transport.SendAsync(request, cancellationToken);

    public void Dispose() => _transport.Dispose();

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
