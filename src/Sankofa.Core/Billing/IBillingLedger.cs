using Sankofa.Core.Ledger;

namespace Sankofa.Core.Billing;

/// <summary>
/// SankofaBilling on the chain (docs/billing.md): the provider's acts (price books, invoices, deposits) signed with the
/// control plane's key, the parties' signed approvals, disputes and resolutions relayed as they signed them, and reads.
/// A refusal by the contract is a <see cref="BillingRefusedException"/> naming the contract's reason.
/// </summary>
public interface IBillingLedger
{
    /// <summary>Records a price book version's hash, in force from <paramref name="effectiveFrom"/>; a repeat is a no-op.</summary>
    Task<LedgerReceipt> RecordPriceBookAsync(long version, byte[] hash, DateTimeOffset effectiveFrom, CancellationToken cancellationToken);

    /// <summary>Issues an invoice by its canonical hash and totals; a repeat is a no-op.</summary>
    Task<LedgerReceipt> IssueAsync(Invoice invoice, CancellationToken cancellationToken);

    /// <summary>The invoice as the chain holds it, or null when it was never issued.</summary>
    Task<OnChainInvoice?> GetInvoiceAsync(string invoiceId, CancellationToken cancellationToken);

    /// <summary>The hash the chain holds for a price book version, or null when none is recorded.</summary>
    Task<byte[]?> PriceBookHashAsync(long version, CancellationToken cancellationToken);

    /// <summary>What a party signs (EIP-712, no prefix) to approve the invoice as issued.</summary>
    Task<byte[]> ApprovalDigestAsync(string invoiceId, CancellationToken cancellationToken);

    /// <summary>What the customer signs to dispute the invoice with this reason.</summary>
    Task<byte[]> DisputeDigestAsync(string invoiceId, string reason, CancellationToken cancellationToken);

    /// <summary>What an auditor signs to resolve the dispute.</summary>
    Task<byte[]> ResolutionDigestAsync(string invoiceId, bool upheld, CancellationToken cancellationToken);

    /// <summary>Relays a party's approval, as signed (65 bytes r ‖ s ‖ v).</summary>
    Task<LedgerReceipt> ApproveAsync(string invoiceId, byte[] signature, CancellationToken cancellationToken);

    /// <summary>Relays the customer's dispute, as signed.</summary>
    Task<LedgerReceipt> DisputeAsync(string invoiceId, string reason, byte[] signature, CancellationToken cancellationToken);

    /// <summary>Relays an auditor's resolution, as signed.</summary>
    Task<LedgerReceipt> ResolveAsync(string invoiceId, bool upheld, byte[] signature, CancellationToken cancellationToken);

    /// <summary>Records a payment received off chain as the tenant's credit, once per <paramref name="reference"/>.</summary>
    Task<LedgerReceipt> DepositAsync(string tenantId, string currency, long amount, string reference, CancellationToken cancellationToken);

    /// <summary>Pays a final invoice from its tenant's credit, once.</summary>
    Task<LedgerReceipt> SettleAsync(string invoiceId, CancellationToken cancellationToken);

    /// <summary>A tenant's credit in a currency, minor units.</summary>
    Task<long> BalanceAsync(string tenantId, string currency, CancellationToken cancellationToken);
}

/// <summary>Invoice states as SankofaBilling numbers them.</summary>
public enum OnChainInvoiceState
{
    /// <summary>Never issued.</summary>
    None,

    /// <summary>Issued by the provider, awaiting the customer (or, after the dispute window, an auditor).</summary>
    Issued,

    /// <summary>The customer disputed it; an auditor resolves it.</summary>
    Disputed,

    /// <summary>Agreed: it may be settled.</summary>
    Final,

    /// <summary>A dispute was upheld: issued again corrected, under a new id.</summary>
    Voided,

    /// <summary>Paid from the tenant's credit.</summary>
    Settled,
}

/// <summary>An invoice as the chain holds it.</summary>
public sealed record OnChainInvoice(
    byte[] Tenant, byte[] Hash, byte[] UsageRoots, string Currency, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, long PriceBookVersion,
    DateTimeOffset IssuedAt, long Total, long Credits, OnChainInvoiceState State, string? Customer, string? Auditor);

/// <summary>SankofaBilling refused a call; nothing was recorded.</summary>
public sealed class BillingRefusedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public BillingRefusedException() { }

    /// <summary>Creates the exception.</summary>
    public BillingRefusedException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public BillingRefusedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with the contract's error name.</summary>
    public BillingRefusedException(string reason, string message) : base(message) => Reason = reason;

    /// <summary>The contract's error name (<c>NotCustomer</c>, <c>Shortfall</c>, …), when known.</summary>
    public string? Reason { get; }
}
