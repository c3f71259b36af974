using System.Diagnostics;

namespace Sankofa.Ledger.Gateway;

/// <summary>
/// The chain's spans. The gateway makes one per transaction (<c>chain transaction</c>), from the sender's wait to the
/// receipt, in the sender's trace. ResourceRegistry transitions are coalesced into shared multicall transactions, so a
/// caller's transition is a span in its own trace (<c>chain transition</c>, with the hash of the transaction that
/// carried it), and each batch is a trace of its own (<c>chain batch</c>, the gateway's span under it) linked to the
/// transitions it carries: one transaction cannot have many parents. Free without a listener.
/// </summary>
public static class LedgerTracing
{
    /// <summary>The <see cref="ActivitySource"/> name of chain transaction spans.</summary>
    public const string SourceName = "Sankofa.Ledger";

    /// <summary>Span attribute: the transaction's hash (0x…), once it is in a block.</summary>
    public const string TransactionHashAttribute = "sankofa.chain.tx_hash";

    /// <summary>Span attribute: what the transaction does (the gateway's operation id).</summary>
    public const string OperationAttribute = "sankofa.chain.operation";

    internal static readonly ActivitySource Source = new(SourceName);
}
