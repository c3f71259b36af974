using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;

namespace Sankofa.Core.Billing;

/// <summary>Where a billing run stands: waiting for its inputs, built and on its way to the chain, or as the chain holds it.</summary>
public enum InvoiceStatus
{
    /// <summary>The run is accepted; its period has not closed, or its usage is not all metered, sealed and anchored yet.</summary>
    Waiting,

    /// <summary>The invoice is built and stored; the chain has not recorded its issue yet (it is sent again until it has).</summary>
    Issuing,

    /// <summary>Issued on chain, awaiting the customer (or, after the dispute window, an auditor).</summary>
    Issued,

    /// <summary>The customer disputed it; an auditor resolves it.</summary>
    Disputed,

    /// <summary>Agreed: settled from the tenant's credit as soon as it covers the total.</summary>
    Final,

    /// <summary>A dispute was upheld; a corrected invoice is issued under a new id.</summary>
    Voided,

    /// <summary>Paid from the tenant's credit.</summary>
    Settled,
}

/// <summary>A billing run and, once built, its invoice, as stored (the chain holds what the parties agreed).</summary>
/// <param name="Id">The invoice id (<c>inv-TENANT-…</c>, from tenant and period: a run asked twice is one run).</param>
/// <param name="TenantId">The tenant billed.</param>
/// <param name="PeriodStart">Start of the period (inclusive).</param>
/// <param name="PeriodEnd">End of the period (exclusive).</param>
/// <param name="Status">Where it stands.</param>
/// <param name="WaitingFor">While <see cref="InvoiceStatus.Waiting"/>: what it waits for, in words.</param>
/// <param name="CreatedAt">When the run was asked for.</param>
/// <param name="CreatedBy">Who asked (an identity id, or <c>billing</c> for the monthly runs).</param>
/// <param name="Invoice">The invoice, once built.</param>
/// <param name="Issued">The transaction that issued it on chain.</param>
/// <param name="Customer">The customer's signing address, once it approved.</param>
/// <param name="Auditor">The auditor's signing address, once it approved or resolved a dispute.</param>
/// <param name="Settled">The settlement's transaction, when this control plane sent it.</param>
/// <param name="CheckedAt">When its state was last read from the chain.</param>
public sealed record StoredInvoice(
    string Id, string TenantId, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, InvoiceStatus Status, string? WaitingFor,
    DateTimeOffset CreatedAt, string CreatedBy, Invoice? Invoice, LedgerReceipt? Issued, string? Customer, string? Auditor,
    LedgerReceipt? Settled, DateTimeOffset? CheckedAt);

/// <summary>A filter and page of invoices, newest period first.</summary>
/// <param name="Tenants">Only these tenants (the caller's); null: all.</param>
/// <param name="TenantId">Only this tenant.</param>
/// <param name="Status">Only this status.</param>
/// <param name="After">Cursor: the last id of the previous page.</param>
/// <param name="Limit">Page size.</param>
public sealed record InvoiceQuery(IReadOnlySet<string>? Tenants, string? TenantId, InvoiceStatus? Status, string? After, int Limit);

/// <summary>A page of invoices and the cursor of the next (null on the last page).</summary>
public sealed record InvoicePage(IReadOnlyList<StoredInvoice> Items, string? Next);

/// <summary>A payment received off chain, recorded as the tenant's credit (once per reference).</summary>
/// <param name="Reference">The payment's reference (bank transfer id…): unique.</param>
/// <param name="TenantId">The tenant credited.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Amount">Minor units, positive.</param>
/// <param name="RecordedAt">When it was recorded here.</param>
/// <param name="RecordedBy">Who recorded it (a billing administrator).</param>
/// <param name="Recorded">The chain transaction that credited it; null while still to do.</param>
public sealed record Deposit(string Reference, string TenantId, string Currency, long Amount, DateTimeOffset RecordedAt, string RecordedBy, LedgerReceipt? Recorded);

/// <summary>Whether a tenant's period can be billed yet, and the batches its evidence is in.</summary>
/// <param name="UnmeteredResources">Resources of the tenant that ran in the period but are not metered up to its end (or their deletion).</param>
/// <param name="UnsealedHours">Hours of usage or availability in the period not yet written into the audit log.</param>
/// <param name="UnbatchedEntries">Those written but not yet sealed into a Merkle batch.</param>
/// <param name="Batches">The batches holding the period's evidence, ascending by id.</param>
public sealed record EvidenceState(int UnmeteredResources, int UnsealedHours, int UnbatchedEntries, IReadOnlyList<AuditBatch> Batches);

/// <summary>What a party recomputes an invoice from: the sealed hours (audit entries with their proofs) and their batches.</summary>
/// <param name="Entries">The usage and availability hours of the tenant in the period, by entry id.</param>
/// <param name="Batches">Their batches, ascending by id.</param>
/// <param name="Next">When this is one page of the evidence, the last entry id to read the next page after; null on the last page.</param>
public sealed record InvoiceEvidence(IReadOnlyList<AuditEntry> Entries, IReadOnlyList<AuditBatch> Batches, long? Next = null)
{
    /// <summary>
    /// When set, each entry's payload as the UTF-8 bytes stored (and hashed), at the entry's index, the entries then
    /// carrying no <see cref="AuditEntry.Payload"/> text: a month is tens of MiB of payloads, read, hashed and sent as
    /// bytes without ever being made into strings.
    /// </summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? Payloads { get; init; }
}

/// <summary>Billing runs, invoices and deposits.</summary>
public interface IInvoiceStore
{
    /// <summary>Adds a waiting run with its audit entry, or returns the run of that id when it exists already.</summary>
    Task<StoredInvoice> AddRunAsync(StoredInvoice run, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>One run or invoice, or null.</summary>
    Task<StoredInvoice?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>A page, newest period first, then id.</summary>
    Task<InvoicePage> ListAsync(InvoiceQuery query, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> runs in these states, least recently checked first (the worker's queue).</summary>
    Task<IReadOnlyList<StoredInvoice>> GetByStatusAsync(IReadOnlyCollection<InvoiceStatus> statuses, int max, CancellationToken cancellationToken);

    /// <summary>Notes what a waiting run still waits for.</summary>
    Task SetWaitingAsync(string id, string waitingFor, DateTimeOffset checkedAt, CancellationToken cancellationToken);

    /// <summary>Stores the built invoice (waiting → issuing) with its audit entry, in one transaction.</summary>
    Task BuildAsync(string id, Invoice invoice, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>Notes the chain state read or brought about (issue, approvals, settlement).</summary>
    Task UpdateAsync(string id, InvoiceStatus status, LedgerReceipt? issued, string? customer, string? auditor, LedgerReceipt? settled, DateTimeOffset checkedAt, CancellationToken cancellationToken);

    /// <summary>The tenants with usage in the hours starting in [from, to).</summary>
    Task<IReadOnlyList<string>> GetTenantsWithUsageAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Whether the tenant's period is fully metered and sealed, and the batches holding its evidence.</summary>
    Task<EvidenceState> GetEvidenceStateAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>
    /// A page of the sealed hours of the tenant in the period with their proofs (at most <paramref name="limit"/> entries
    /// with ids above <paramref name="after"/>, by id), and their batches.
    /// </summary>
    Task<InvoiceEvidence> GetEvidenceAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, long? after, int limit, CancellationToken cancellationToken);

    /// <summary>Adds a deposit with its audit entry; <see cref="StoreConflictException"/> when the reference exists.</summary>
    Task<Deposit> AddDepositAsync(Deposit deposit, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>One deposit, or null.</summary>
    Task<Deposit?> GetDepositAsync(string reference, CancellationToken cancellationToken);

    /// <summary>A tenant's deposits, oldest first.</summary>
    Task<IReadOnlyList<Deposit>> ListDepositsAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Deposits not yet credited on chain, oldest first.</summary>
    Task<IReadOnlyList<Deposit>> GetUnrecordedDepositsAsync(CancellationToken cancellationToken);

    /// <summary>Notes the transaction that credited the deposit on chain.</summary>
    Task MarkDepositRecordedAsync(string reference, LedgerReceipt receipt, CancellationToken cancellationToken);
}
