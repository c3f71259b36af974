using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sankofa.Ledger.Hosting;

namespace Sankofa.Ledger.Rpc;

/// <summary>
/// Third parties' way to the chain the ledger uses: passes JSON-RPC calls of the reading methods to the node and
/// answers every other method (sending transactions, anvil_*, evm_*, debug_*, filters) with a JSON-RPC error, so a
/// verifier (<c>cast</c>, <c>sankofa audit verify</c>) reads what the server wrote without being able to change it.
/// </summary>
public sealed class ReadOnlyRpc
{
    /// <summary>JSON-RPC error code of a method this endpoint does not serve.</summary>
    public const int MethodNotServed = -32601;

    /// <summary>JSON-RPC error code of a request that is not a JSON-RPC call.</summary>
    public const int InvalidRequest = -32600;

    private readonly LedgerRuntime _runtime;

    internal ReadOnlyRpc(LedgerRuntime runtime) => _runtime = runtime;

    /// <summary>The methods passed to the node: they read blocks, transactions, receipts, logs, code, storage and proofs.</summary>
    public static FrozenSet<string> Methods { get; } = FrozenSet.Create(StringComparer.Ordinal,
        "eth_chainId", "eth_blockNumber", "eth_syncing", "eth_gasPrice", "eth_maxPriorityFeePerGas", "eth_feeHistory",
        "eth_call", "eth_estimateGas", "eth_getLogs", "eth_getBalance", "eth_getCode", "eth_getStorageAt", "eth_getProof",
        "eth_getTransactionCount", "eth_getBlockByNumber", "eth_getBlockByHash", "eth_getBlockReceipts",
        "eth_getBlockTransactionCountByNumber", "eth_getBlockTransactionCountByHash", "eth_getTransactionByHash",
        "eth_getTransactionByBlockNumberAndIndex", "eth_getTransactionByBlockHashAndIndex", "eth_getTransactionReceipt",
        "net_version", "net_listening", "web3_clientVersion");

    /// <summary>
    /// Answers <paramref name="request"/>, a call or a batch of at most <paramref name="maxBatch"/> calls: the allowed ones
    /// from the node (in one round trip), the others with an error, each under the id it came with.
    /// </summary>
    /// <exception cref="Core.Ledger.LedgerUnavailableException">The node did not answer.</exception>
    public async Task<JsonNode> AnswerAsync(JsonNode? request, int maxBatch, CancellationToken cancellationToken)
    {
        if (request is JsonObject single)
        {
            return (await AnswerAsync([single], cancellationToken).ConfigureAwait(false))[0];
        }

        if (request is not JsonArray { Count: > 0 } batch)
        {
            return Error(null, InvalidRequest, "expected a JSON-RPC call or a non-empty batch of calls");
        }

        if (batch.Count > maxBatch)
        {
            return Error(null, InvalidRequest, $"a batch holds at most {maxBatch} calls, this one {batch.Count}");
        }

        return new JsonArray([.. await AnswerAsync([.. batch], cancellationToken).ConfigureAwait(false)]);
    }

    private async Task<JsonNode[]> AnswerAsync(IReadOnlyList<JsonNode?> calls, CancellationToken cancellationToken)
    {
        var answers = new JsonNode[calls.Count];
        var forwarded = new JsonArray();
        for (var i = 0; i < calls.Count; i++)
        {
            var method = calls[i] is JsonObject call && call["method"] is JsonValue m && m.TryGetValue<string>(out var name) ? name : null;
            if (method is null)
            {
                answers[i] = Error(IdOf(calls[i]), InvalidRequest, "a call needs a method");
            }
            else if (!Methods.Contains(method))
            {
                answers[i] = Error(IdOf(calls[i]), MethodNotServed, $"{method} is not served by this read-only endpoint");
            }
            else
            {
                // Our own ids (the call's index) so answers match calls whatever ids the caller chose.
                forwarded.Add(new JsonObject
                {
                    ["jsonrpc"] = "2.0",
                    ["id"] = i,
                    ["method"] = method,
                    ["params"] = calls[i]!["params"]?.DeepClone() ?? new JsonArray(),
                });
            }
        }

        if (forwarded.Count > 0)
        {
            var response = await _runtime.Connection.Rpc.SendAsync(forwarded, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.ValueKind == JsonValueKind.Array ? response.EnumerateArray() : Enumerable.Empty<JsonElement>())
            {
                if (item.TryGetProperty("id", out var index) && index.TryGetInt32(out var i) && i >= 0 && i < calls.Count && answers[i] is null)
                {
                    var answer = JsonNode.Parse(item.GetRawText())!.AsObject();
                    answer["id"] = IdOf(calls[i]);
                    answers[i] = answer;
                }
            }
        }

        for (var i = 0; i < answers.Length; i++)
        {
            answers[i] ??= Error(IdOf(calls[i]), -32603, "the node gave no answer to this call");
        }

        return answers;
    }

    private static JsonNode? IdOf(JsonNode? call) => call is JsonObject o && o.TryGetPropertyValue("id", out var id) ? id?.DeepClone() : null;

    private static JsonObject Error(JsonNode? id, int code, string message) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id,
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };
}
