using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sankofa.Agent.Tests.LightClient;

/// <summary>
/// A JSON-RPC endpoint serving blocks the test made (eth_chainId, eth_getBlockByNumber), standing in for a Besu QBFT
/// node, which this machine does not run. It is as untrusted as any endpoint: the light client checks what it serves.
/// </summary>
internal sealed class StubChainNode : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<long, JsonObject> _blocks;
    private readonly Task _serving;

    private StubChainNode(IEnumerable<JsonObject> blocks)
    {
        _blocks = blocks.ToDictionary(b => long.Parse(b["number"]!.GetValue<string>()[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        RpcUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        _listener.Prefixes.Add(RpcUrl.ToString());
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public Uri RpcUrl { get; }

    public static StubChainNode Serve(IEnumerable<JsonObject> blocks) => new(blocks);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            using var request = await JsonDocument.ParseAsync(context.Request.InputStream);
            var call = request.RootElement;
            JsonNode? result = call.GetProperty("method").GetString() switch
            {
                "eth_chainId" => "0x7a69",
                "eth_getBlockByNumber" => call.GetProperty("params")[0].GetString() is "latest" ? Block(_blocks.Keys.Max()) : Block(long.Parse(call.GetProperty("params")[0].GetString()![2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)),
                _ => null,
            };
            var answer = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = JsonNode.Parse(call.GetProperty("id").GetRawText()), ["result"] = result };
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(answer));
            context.Response.Close();
        }
    }

    private JsonNode? Block(long number) => _blocks.TryGetValue(number, out var block) ? block.DeepClone() : null;
}
