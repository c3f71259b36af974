using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>
/// The embedded chain's IPC socket, <c>&lt;data&gt;/ledger/anvil.ipc</c>: the one way to anvil besides the server, open
/// only to the data directory's owner. Tests use it, as that owner, for the methods the read-only endpoint refuses
/// (evm_snapshot, evm_revert, evm_mine, anvil_setBalance ...).
/// </summary>
public static class ChainSocket
{
    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, "ledger", "anvil.ipc");

    /// <summary>Calls <paramref name="method"/> on the embedded chain of the server using <paramref name="dataDirectory"/>; a JSON-RPC error throws.</summary>
    public static async Task<JsonElement> CallAsync(string dataDirectory, string method, params object?[] parameters)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(PathIn(dataDirectory)));
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(new { jsonrpc = "2.0", id = 1, method, @params = parameters }));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = JsonDocument.Parse((await reader.ReadLineAsync())!).RootElement; // anvil answers with one line
        return answer.TryGetProperty("error", out var error)
            ? throw new InvalidOperationException($"{method}: {error}")
            : answer.GetProperty("result").Clone();
    }
}
