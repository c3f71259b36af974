using Sankofa.Cli.Api;
using Sankofa.Core.Ledger;
using Sankofa.Ledger;

namespace Sankofa.Cli.Audit;

/// <summary>
/// Where the CLI reads roots: from the chain's JSON-RPC endpoint. The server names the endpoint and contract (for its
/// embedded chain, its read-only endpoint <c>/chain/rpc</c>, the only way to that chain); pass --rpc-url and --contract
/// to read an external chain (or a copy of the embedded one) and trust the server for nothing.
/// </summary>
internal sealed class ChainSource(AuditAnchorReader reader, string rpcUrl, string contract) : IDisposable
{
    public string RpcUrl { get; } = rpcUrl;

    public string Contract { get; } = contract;

    public static async Task<ChainSource> OpenAsync(SankofaApiClient api, Uri? rpcUrl, string? contract, CancellationToken cancellationToken)
    {
        if (rpcUrl is null || contract is null)
        {
            var status = await api.GetLedgerAsync(cancellationToken);
            rpcUrl ??= new Uri(status.RpcUrl);
            contract ??= status.AuditAnchorAddress;
        }

        return new ChainSource(new AuditAnchorReader(rpcUrl, contract), rpcUrl.ToString(), contract);
    }

    public Task<IReadOnlyDictionary<long, OnChainRoot>> GetRootsAsync(IReadOnlyList<long> batchIds, CancellationToken cancellationToken) =>
        reader.GetRootsAsync(batchIds, cancellationToken);

    public void Dispose() => reader.Dispose();
}
