using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sankofa.Ledger.Rpc;

/// <summary>Carries one JSON-RPC request (or batch) to the node and its answer back.</summary>
internal interface IJsonRpcTransport : IDisposable
{
    /// <summary>Sends <paramref name="body"/>; a node that cannot be reached, or answers late or not in JSON, raises <see cref="Core.Ledger.LedgerUnavailableException"/>.</summary>
    Task<JsonElement> SendAsync(JsonNode body, CancellationToken cancellationToken);
}
