using System.Text.Json;
using Sankofa.Ledger.Rpc;

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
        using var rpc = new JsonRpcClient(new Uri(PathIn(dataDirectory)), TimeSpan.FromSeconds(30));
        return await rpc.CallAsync(method, CancellationToken.None, parameters);
    }
}
