using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Resources;

/// <summary>
/// Reads a resource's record straight from the ResourceRegistry contract on a chain node, with no key and no Sankofa
/// server in between, so <c>sankofa vm verify</c> can check a resource from the chain alone.
/// </summary>
public sealed class ResourceRegistryReader : IDisposable
{
    private readonly JsonRpcClient _rpc;
    private readonly string _contract;

    /// <summary>Creates a reader.</summary>
    /// <param name="rpcUrl">JSON-RPC endpoint of any node of the chain.</param>
    /// <param name="resourceRegistryAddress">Address of the ResourceRegistry contract.</param>
    /// <param name="httpClient">Optional client to use; the reader creates (and disposes) its own when null.</param>
    public ResourceRegistryReader(Uri rpcUrl, string resourceRegistryAddress, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(rpcUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceRegistryAddress);
        if (Hex.ToBytes(resourceRegistryAddress).Length != 20)
        {
            throw new ArgumentException($"Not an address: {resourceRegistryAddress}", nameof(resourceRegistryAddress));
        }

        _rpc = new JsonRpcClient(rpcUrl, TimeSpan.FromSeconds(30), httpClient);
        _contract = resourceRegistryAddress;
    }

    /// <summary>The chain id the node reports.</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public async Task<long> GetChainIdAsync(CancellationToken cancellationToken) =>
        Hex.ToLong(await _rpc.CallAsync("eth_chainId", cancellationToken).ConfigureAwait(false));

    /// <summary>Whether contract code exists at the configured address.</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public Task<bool> ContractExistsAsync(CancellationToken cancellationToken) => AuditAnchorCalls.HasCodeAsync(_rpc, _contract, cancellationToken);

    /// <summary>What the chain holds for <paramref name="resourceId"/> (keyed by <see cref="LedgerIds.Of"/>), or null when nothing.</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public Task<OnChainResource?> GetAsync(string resourceId, CancellationToken cancellationToken) =>
        ResourceRegistryCalls.GetAsync(_rpc, _contract, resourceId, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _rpc.Dispose();
}
