using Sankofa.Core.Ledger;

namespace Sankofa.Server.Identity.Accounts;

/// <summary>
/// The chain id for DIDs, read once and kept: it never changes for a chain, and asking the node on every request would
/// make answers wait for an RPC timeout while the chain is away.
/// </summary>
internal sealed class ChainIdSource(ILedgerStatus ledger)
{
    private long known;

    /// <summary>The chain id, or null while it has never been read and the chain cannot be reached.</summary>
    public async Task<long?> GetAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Read(ref known) is > 0 and var id)
        {
            return id;
        }

        try
        {
            var chainId = (await ledger.GetStatusAsync(cancellationToken).ConfigureAwait(false)).ChainId;
            Interlocked.Exchange(ref known, chainId);
            return chainId;
        }
        catch (LedgerUnavailableException)
        {
            return null;
        }
    }
}
