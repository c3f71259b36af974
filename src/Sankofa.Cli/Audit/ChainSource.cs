using Sankofa.Cli.Api;
using Sankofa.Core.Ledger;
using Sankofa.Ledger;

namespace Sankofa.Cli.Audit;

/// <summary>
/// Where the CLI reads roots: straight from the chain's JSON-RPC endpoint. The server may name the endpoint and
/// contract, but the roots themselves never pass through it; pass --rpc-url and --contract to trust it for nothing.
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
