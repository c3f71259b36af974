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
        var request = new { jsonrpc = "2.0", id = Interlocked.Increment(ref _nextId), method, @params = parameters };
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

        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var error))
        {
            throw new ChainRpcException($"The chain at {_endpoint} answered {method} with an error: {error}");
        }

        return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("result", out var result)
            ? result
            : throw new ChainRpcException($"The chain at {_endpoint} answered {method} without a result.");
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
