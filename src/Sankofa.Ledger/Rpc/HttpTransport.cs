using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sankofa.Core.Ledger;

namespace Sankofa.Ledger.Rpc;

/// <summary>JSON-RPC over HTTP(S): an external node (<c>Ledger:RpcUrl</c>) or a verifier reading a public endpoint.</summary>
internal sealed class HttpTransport : IJsonRpcTransport
{
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly bool _ownsHttp;

    public HttpTransport(Uri endpoint, TimeSpan timeout, HttpClient? http)
    {
        _endpoint = endpoint;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 16 })
        {
            Timeout = timeout,
        };
    }

    public async Task<JsonElement> SendAsync(JsonNode body, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.PostAsJsonAsync(_endpoint, body, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            return document.RootElement.Clone();
        }
        catch (HttpRequestException ex)
        {
            throw new LedgerUnavailableException($"The chain at {_endpoint} did not answer: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LedgerUnavailableException($"The chain at {_endpoint} did not answer in time.", ex);
        }
        catch (JsonException ex)
        {
            throw new LedgerUnavailableException($"The chain at {_endpoint} sent a response that is not JSON-RPC.", ex);
        }
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
