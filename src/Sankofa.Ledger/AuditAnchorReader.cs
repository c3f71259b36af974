using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger;

/// <summary>
/// Reads audit batch roots straight from a chain node, with no key and no Sankofa server in between, so
/// <c>sankofa audit verify</c> can check the server's audit log against the chain without trusting the server.
/// </summary>
public sealed class AuditAnchorReader : IDisposable
{
    private readonly JsonRpcClient _rpc;
    private readonly string _contract;

    /// <summary>Creates a reader.</summary>
    /// <param name="rpcUrl">JSON-RPC endpoint of a node of the chain (any node: a validator, a replica, the embedded anvil).</param>
    /// <param name="auditAnchorAddress">Address of the AuditAnchor contract.</param>
    /// <param name="httpClient">Optional client to use; the reader creates (and disposes) its own when null.</param>
    public AuditAnchorReader(Uri rpcUrl, string auditAnchorAddress, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(rpcUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(auditAnchorAddress);
        if (Hex.ToBytes(auditAnchorAddress).Length != 20)
        {
            throw new ArgumentException($"Not an address: {auditAnchorAddress}", nameof(auditAnchorAddress));
        }

        _rpc = new JsonRpcClient(rpcUrl, TimeSpan.FromSeconds(30), httpClient);
        _contract = auditAnchorAddress;
    }

    /// <summary>The chain id the node reports; compare it with the one you expect before trusting the answers.</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public async Task<long> GetChainIdAsync(CancellationToken cancellationToken) =>
        Hex.ToLong(await _rpc.CallAsync("eth_chainId", cancellationToken).ConfigureAwait(false));

    /// <summary>Whether contract code exists at the configured address.</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public Task<bool> ContractExistsAsync(CancellationToken cancellationToken) => AuditAnchorCalls.HasCodeAsync(_rpc, _contract, cancellationToken);

    /// <summary>Reads the roots recorded for these batches; batches the chain does not hold are left out.</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public Task<IReadOnlyDictionary<long, OnChainRoot>> GetRootsAsync(IReadOnlyList<long> batchIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batchIds);
        return AuditAnchorCalls.GetRootsAsync(_rpc, _contract, batchIds, 500, cancellationToken);
    }

    /// <summary>Reads one batch's root, or null when the chain does not hold it.</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public async Task<OnChainRoot?> GetRootAsync(long batchId, CancellationToken cancellationToken)
    {
        var roots = await GetRootsAsync([batchId], cancellationToken).ConfigureAwait(false);
        return roots.TryGetValue(batchId, out var root) ? root : null;
    }

    /// <inheritdoc />
    public void Dispose() => _rpc.Dispose();
}
