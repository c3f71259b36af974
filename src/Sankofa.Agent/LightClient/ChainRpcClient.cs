using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sankofa.Agent.LightClient;

/// <summary>
/// The few JSON-RPC reads the light client needs, over HTTP. It parses answers but trusts none: headers and proofs go
/// through <see cref="HeaderVerifier"/> and <see cref="StateProofVerifier"/> before anything acts on them.
/// </summary>
public sealed class ChainRpcClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private long _nextId;

    /// <summary>Creates a client for <paramref name="endpoint"/> whose requests give up after <paramref name="timeout"/>.</summary>
    public ChainRpcClient(Uri endpoint, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = timeout };
    }

    /// <summary>The chain id the endpoint reports.</summary>
    /// <exception cref="ChainRpcException">The endpoint did not answer, or answered with an error.</exception>
    public async Task<long> GetChainIdAsync(CancellationToken cancellationToken)
    {
        var result = await CallAsync("eth_chainId", [], cancellationToken).ConfigureAwait(false);
        return RpcJson.Long(result, "eth_chainId");
    }

    /// <summary>The header of block <paramref name="number"/>, or of the latest block when null.</summary>
    /// <exception cref="ChainRpcException">The endpoint did not answer, answered with an error, or has no such block.</exception>
    /// <exception cref="ChainVerificationException">The answer is not a well-formed header.</exception>
    public async Task<BlockHeader> GetBlockHeaderAsync(long? number, CancellationToken cancellationToken)
    {
        var block = await CallAsync("eth_getBlockByNumber", [number is { } n ? Quantity(n) : "latest", false], cancellationToken).ConfigureAwait(false);
        return block.ValueKind == JsonValueKind.Object
            ? BlockHeader.FromJson(block)
            : throw new ChainRpcException($"The chain at {_endpoint} has no block {number?.ToString(CultureInfo.InvariantCulture) ?? "latest"}.");
    }

    /// <summary>
    /// The headers of blocks <paramref name="from"/> to <paramref name="to"/> (inclusive, at most
    /// <see cref="MaxBatch"/>), asked in one JSON-RPC batch: walking a chain of parents one request per block cost an
    /// agent hundreds of round trips after every few hundred blocks. Returned in block order.
    /// </summary>
    /// <exception cref="ChainRpcException">The endpoint did not answer, answered with an error, or lacks one of the blocks.</exception>
    /// <exception cref="ChainVerificationException">An answer is not a well-formed header.</exception>
    public async Task<IReadOnlyList<BlockHeader>> GetBlockHeadersAsync(long from, long to, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfLessThan(to, from);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(to - from + 1, MaxBatch);
        var first = Interlocked.Add(ref _nextId, to - from + 1) - (to - from);
        var batch = Enumerable.Range(0, (int)(to - from + 1))
            .Select(i => new { jsonrpc = "2.0", id = first + i, method = "eth_getBlockByNumber", @params = new object[] { Quantity(from + i), false } })
            .ToArray();
        var answers = await PostAsync("eth_getBlockByNumber", batch, cancellationToken).ConfigureAwait(false);
        if (answers.ValueKind != JsonValueKind.Array)
        {
            throw new ChainRpcException($"The chain at {_endpoint} answered a batch of eth_getBlockByNumber with {answers.ValueKind}, not an array: {Clip(answers)}");
        }

        // Answers of a batch may come in any order: each is matched to its request by id.
        var headers = new BlockHeader?[batch.Length];
        foreach (var answer in answers.EnumerateArray())
        {
            var index = answer.TryGetProperty("id", out var id) && id.TryGetInt64(out var n) ? n - first : -1;
            if (index < 0 || index >= headers.Length || !answer.TryGetProperty("result", out var block) || block.ValueKind != JsonValueKind.Object)
            {
                throw new ChainRpcException($"The chain at {_endpoint} answered eth_getBlockByNumber in a batch without a block: {Clip(answer)}");
            }

            headers[index] = BlockHeader.FromJson(block);
        }

        return [.. headers.Select((h, i) => h ?? throw new ChainRpcException($"The chain at {_endpoint} left block {from + i} out of a batch."))];
    }

    /// <summary>Most calls sent in one batch (the control plane's <c>/chain/rpc</c> takes 100 by default).</summary>
    public const int MaxBatch = 100;

    /// <summary>The proof of <paramref name="address"/> and of its storage <paramref name="slots"/> at block <paramref name="blockNumber"/>.</summary>
    /// <exception cref="ChainRpcException">The endpoint did not answer, or answered with an error.</exception>
    /// <exception cref="ChainVerificationException">The answer is not a well-formed proof.</exception>
    public async Task<AccountProof> GetProofAsync(string address, IReadOnlyList<byte[]> slots, long blockNumber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var keys = slots.Select(s => "0x" + Convert.ToHexStringLower(s)).ToArray();
        return AccountProof.FromJson(await CallAsync("eth_getProof", [address, keys, Quantity(blockNumber)], cancellationToken).ConfigureAwait(false));
    }

    private static string Quantity(long value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    private async Task<JsonElement> CallAsync(string method, object[] parameters, CancellationToken cancellationToken)
    {
        var body = await PostAsync(method, new { jsonrpc = "2.0", id = Interlocked.Increment(ref _nextId), method, @params = parameters }, cancellationToken)
            .ConfigureAwait(false);
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var error))
        {
            throw new ChainRpcException($"The chain at {_endpoint} answered {method} with an error: {error}");
        }

        return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("result", out var result)
            ? result
            : throw new ChainRpcException($"The chain at {_endpoint} answered {method} without a result.");
    }

    private static string Clip(JsonElement json) => json.GetRawText() is { Length: > 300 } text ? text[..300] + "…" : json.GetRawText();

    private async Task<JsonElement> PostAsync(string method, object request, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            using var response = await _http.PostAsJsonAsync(_endpoint, request, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new ChainRpcException($"The chain at {_endpoint} did not answer {method}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChainRpcException($"The chain at {_endpoint} did not answer {method} in time.", ex);
        }
        catch (JsonException ex)
        {
            throw new ChainRpcException($"The chain at {_endpoint} answered {method} with something that is not JSON.", ex);
        }

        return body;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
