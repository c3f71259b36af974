using System.Collections.Frozen;
using System.Globalization;
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

    // Headers of blocks read by number, kept per node connection: every site agent's light client reads each new header
    // (tens of thousands of reads a minute with a few hundred agents), and the node answered each of them itself.
    // Blocks of the chains Sankofa runs are final once mined (QBFT; anvil, which never reorganises by itself), but a
    // node can lose its last blocks (an embedded chain killed before it saved them, a node restored from a backup) and
    // mine others at the same numbers: every header the node answers is compared with the kept one at its number and its
    // parent's, and a difference drops them all. A restarted node (a new connection) starts with none. The agents
    // check every header themselves: a stale one costs them a retry, never a wrong answer.
    private const int CachedBlocks = 1024;
    private readonly LedgerRuntime _runtime;
    private BlockCache? _blocks;

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
        var connection = _runtime.Connection;
        var blocks = _blocks is { } cache && ReferenceEquals(cache.Connection, connection) ? cache : _blocks = new BlockCache(connection);
        var answers = new JsonNode[calls.Count];
        var forwarded = new JsonArray();
        HashSet<int>? headerReads = null; // the calls the node answers with a header, to keep
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
                var header = IsHeaderRead(method, calls[i]!["params"], out var number);
                if (header && number is { } n && blocks.Get(n) is { } known)
                {
                    answers[i] = Result(IdOf(calls[i]), known);
                    continue;
                }

                if (header)
                {
                    (headerReads ??= []).Add(i);
                }

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
            var response = await connection.Rpc.SendAsync(forwarded, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.ValueKind == JsonValueKind.Array ? response.EnumerateArray() : Enumerable.Empty<JsonElement>())
            {
                if (item.TryGetProperty("id", out var index) && index.TryGetInt32(out var i) && i >= 0 && i < calls.Count && answers[i] is null)
                {
                    var answer = JsonNode.Parse(item.GetRawText())!.AsObject();
                    answer["id"] = IdOf(calls[i]);
                    answers[i] = answer;
                    if (headerReads?.Contains(i) == true && item.TryGetProperty("result", out var block) && block.ValueKind == JsonValueKind.Object)
                    {
                        blocks.Add(block); // a block not mined yet is null: never kept
                    }
                }
            }
        }

        for (var i = 0; i < answers.Length; i++)
        {
            answers[i] ??= Error(IdOf(calls[i]), -32603, "the node gave no answer to this call");
        }

        return answers;
    }

    /// <summary>
    /// Whether the call reads a header (<c>eth_getBlockByNumber</c> without transactions), and of which number when it
    /// names one (null for "latest" and the other tags).
    /// </summary>
    private static bool IsHeaderRead(string method, JsonNode? parameters, out long? number)
    {
        number = null;
        if (method != "eth_getBlockByNumber" || parameters is not JsonArray { Count: 2 } array || array[0] is not JsonValue block
            || array[1] is not JsonValue full || full.GetValueKind() != JsonValueKind.False)
        {
            return false;
        }

        if (block.TryGetValue<string>(out var quantity) && TryQuantity(quantity, out var n))
        {
            number = n;
        }

        return true;
    }

    private static bool TryQuantity(string quantity, out long number)
    {
        number = 0;
        return quantity.StartsWith("0x", StringComparison.Ordinal) && quantity.Length is > 2 and <= 17
            && long.TryParse(quantity.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out number);
    }

    private static JsonObject Result(JsonNode? id, JsonElement result) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id,
        ["result"] = JsonObject.Create(result), // wraps the kept element: written out as it is, never copied node by node
    };

    private static JsonNode? IdOf(JsonNode? call) => call is JsonObject o && o.TryGetPropertyValue("id", out var id) ? id?.DeepClone() : null;

    private static JsonObject Error(JsonNode? id, int code, string message) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id,
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };

    /// <summary>The newest <see cref="CachedBlocks"/> headers read through one node connection, one slot per block number modulo the size.</summary>
    private sealed class BlockCache(LedgerConnection connection)
    {
        private Entry?[] _slots = new Entry?[CachedBlocks];

        public LedgerConnection Connection { get; } = connection;

        public JsonElement? Get(long number) => Find(number)?.Block;

        /// <summary>Keeps a header the node answered; one that does not fit the kept ones (a lost tail mined again) drops them all.</summary>
        public void Add(JsonElement block)
        {
            if (Text(block, "number") is not { } quantity || !TryQuantity(quantity, out var number) || Text(block, "hash") is not { } hash
                || Text(block, "parentHash") is not { } parent)
            {
                return; // not a mined block as expected: not kept
            }

            if ((Find(number) is { } same && !Same(same.Hash, hash)) || (Find(number - 1) is { } before && !Same(before.Hash, parent)))
            {
                Volatile.Write(ref _slots, new Entry?[CachedBlocks]);
            }

            Volatile.Write(ref Volatile.Read(ref _slots)[number % CachedBlocks], new Entry(number, hash, block.Clone()));
        }

        private static string? Text(JsonElement block, string field) =>
            block.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private Entry? Find(long number) =>
            number >= 0 && Volatile.Read(ref Volatile.Read(ref _slots)[number % CachedBlocks]) is { } entry && entry.Number == number ? entry : null;

        private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

        private sealed record Entry(long Number, string Hash, JsonElement Block);
    }
}
