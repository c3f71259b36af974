using System.Runtime.InteropServices;
using System.Text;
using Sankofa.Core.Audit;
using Sankofa.Core.Billing;
using Sankofa.Server.Audit;

namespace Sankofa.Server.Billing;

/// <summary>Body of <c>POST /api/v1/billing/runs</c>: all optional (every tenant with usage, last month).</summary>
/// <param name="Tenant">The tenant to bill.</param>
/// <param name="PeriodStart">Start of the period, UTC, on the hour.</param>
/// <param name="PeriodEnd">End of the period (exclusive), on the hour.</param>
public sealed record BillingRunBody(string? Tenant, DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd);

/// <summary>A party's signature relayed to the chain.</summary>
/// <param name="Signature">65 bytes r ‖ s ‖ v as 0x and 130 hex digits, over the EIP-712 digest (docs/billing.md).</param>
public sealed record SignatureBody(string? Signature);

/// <summary>The customer's signed dispute.</summary>
/// <param name="Reason">Why, recorded on chain.</param>
/// <param name="Signature">Over <c>InvoiceDispute(invoiceId, invoiceHash, reason)</c>.</param>
public sealed record DisputeBody(string? Reason, string? Signature);

/// <summary>An auditor's signed resolution.</summary>
/// <param name="Upheld">True voids the invoice; false makes it final.</param>
/// <param name="Signature">Over <c>DisputeResolution(invoiceId, invoiceHash, upheld)</c>.</param>
public sealed record ResolutionBody(bool? Upheld, string? Signature);

/// <summary>A resource's line: usage in whole unit-seconds, each dimension's charge in minor units.</summary>
public sealed record InvoiceLineResponse(
    string Project, string Resource, string Tier, long Seconds, long VcpuSeconds, long RamMiBSeconds, long DiskGiBSeconds,
    long VcpuAmount, long RamAmount, long DiskAmount, long Amount);

/// <summary>An SLA credit: a negative line.</summary>
public sealed record SlaCreditResponse(string Resource, long ExpectedSeconds, long DownSeconds, long TargetPpm, int Percent, long Amount);

/// <summary>What the chain records of the invoice, as last read.</summary>
/// <param name="IssueTransaction">The transaction that issued it.</param>
/// <param name="IssueBlock">Its block.</param>
/// <param name="Customer">The customer's signing address, once it approved.</param>
/// <param name="Auditor">The auditor's signing address, once it approved or resolved a dispute.</param>
/// <param name="SettleTransaction">The settlement, when this control plane sent it.</param>
/// <param name="CheckedAt">When the state was read from the chain.</param>
public sealed record InvoiceChainResponse(string? IssueTransaction, long? IssueBlock, string? Customer, string? Auditor, string? SettleTransaction, DateTimeOffset? CheckedAt);

/// <summary>
/// A billing run and, once built, its invoice. Amounts are integers in the currency's minor units; <c>totalText</c> is the
/// total as a decimal string. Everything <c>sankofa billing verify</c> needs to recompute the canonical hash is here.
/// </summary>
public sealed record InvoiceResponse(
    string Id, string Tenant, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, InvoiceStatus Status, string? WaitingFor,
    DateTimeOffset CreatedAt, string CreatedBy, string? Currency, int? MinorDigits, long? PriceBookVersion, int? TaxBasisPoints,
    IReadOnlyList<InvoiceLineResponse>? Lines, IReadOnlyList<SlaCreditResponse>? Credits, long? Subtotal, long? CreditTotal, long? Tax, long? Total,
    string? TotalText, string? Hash, string? UsageRoots, InvoiceChainResponse Chain)
{
    internal static InvoiceResponse From(StoredInvoice s)
    {
        var i = s.Invoice;
        return new(
            s.Id, s.TenantId, s.PeriodStart, s.PeriodEnd, s.Status, s.WaitingFor, s.CreatedAt, s.CreatedBy, i?.Currency, i?.MinorDigits, i?.PriceBookVersion,
            i?.TaxBasisPoints,
            i is null ? null : [.. i.Lines.Select(l => new InvoiceLineResponse(l.ProjectId, l.ResourceId, BillingNames.Name(l.Tier), l.Seconds, l.VCpuSeconds,
                l.RamMiBSeconds, l.DiskGiBSeconds, l.VCpuAmount, l.RamAmount, l.DiskAmount, l.Amount))],
            i is null ? null : [.. i.Credits.Select(c => new SlaCreditResponse(c.ResourceId, c.ExpectedSeconds, c.DownSeconds, c.TargetPpm, c.Percent, c.Amount))],
            i?.Subtotal, i?.CreditTotal, i?.Tax, i?.Total, i is null ? null : BillingNames.Amount(i.Total, i.MinorDigits),
            i is null ? null : AuditMapping.Hex(i.Hash()), i is null ? null : AuditMapping.Hex(i.UsageRoots),
            new InvoiceChainResponse(s.Issued?.TransactionHash, s.Issued?.BlockNumber, s.Customer, s.Auditor, s.Settled?.TransactionHash, s.CheckedAt));
    }

    /// <summary>The invoice as the canonical encoding has it, rebuilt from this answer (null while the run waits).</summary>
    public Invoice? ToInvoice() => Lines is null || Credits is null ? null : new Invoice(
        Id, Tenant, PeriodStart, PeriodEnd, PriceBookVersion!.Value, Currency!, MinorDigits!.Value, Convert.FromHexString(UsageRoots![2..]), TaxBasisPoints!.Value,
        [.. Lines.Select(l => new InvoiceLine(l.Project, l.Resource, BillingNames.Tier(l.Tier) ?? throw new FormatException($"Unknown tier '{l.Tier}' on line {l.Resource}."),
            l.Seconds, l.VcpuSeconds, l.RamMiBSeconds, l.DiskGiBSeconds, l.VcpuAmount, l.RamAmount, l.DiskAmount))],
        [.. Credits.Select(c => new SlaCredit(c.Resource, c.ExpectedSeconds, c.DownSeconds, c.TargetPpm, c.Percent, c.Amount))]);
}

/// <summary>A page of runs and invoices; pass <paramref name="Next"/> as <c>after</c> for the next.</summary>
public sealed record InvoicePageResponse(IReadOnlyList<InvoiceResponse> Items, string? Next);

/// <summary>
/// A page of the sealed usage and availability entries an invoice is computed from, with their proofs, and their
/// batches; pass <paramref name="Next"/> as <c>after</c> for the next page (null on the last).
/// </summary>
public sealed record InvoiceEvidenceResponse(
    string InvoiceId, IReadOnlyList<EvidenceEntryResponse> Entries, IReadOnlyList<AuditBatchResponse> Batches, string? Next);

/// <summary>
/// One sealed entry of an invoice's evidence: the audit entry as <c>GET /api/v1/audit/entries/{id}</c> states it, but its
/// payload as the base64 of its UTF-8 bytes — a month's evidence is tens of MiB of payloads, which as JSON inside JSON
/// strings cost more to escape and unescape than to verify.
/// </summary>
/// <param name="Id">Entry id.</param>
/// <param name="Time">When it was appended.</param>
/// <param name="Actor">Who (<c>metering</c>, <c>sla-probe</c>).</param>
/// <param name="Action">What (<c>billing.usage.hours</c>, <c>sla.availability.hours</c>).</param>
/// <param name="Subject">Of whom (<c>tenant:ID</c>).</param>
/// <param name="Payload">The payload's UTF-8 bytes, base64 in JSON.</param>
/// <param name="PayloadHash">SHA-256 of those bytes.</param>
/// <param name="Seal">Its place in the hash chain and batch, with its Merkle proof; null until sealed.</param>
public sealed record EvidenceEntryResponse(
    long Id, DateTimeOffset Time, string Actor, string Action, string Subject, byte[]? Payload, string PayloadHash, AuditSealResponse? Seal)
{
    internal static EvidenceEntryResponse From(AuditEntry entry, byte[]? payload)
    {
        var audit = entry.ToResponse();
        return new(entry.Id, entry.Time, entry.Actor, entry.Action, entry.Subject, payload, audit.PayloadHash, audit.Seal);
    }

    /// <summary>Each entry's payload as the bytes stored and hashed (null where an entry has none), at the entry's index.</summary>
    internal static byte[]?[] PayloadsOf(InvoiceEvidence evidence)
    {
        var payloads = new byte[]?[evidence.Entries.Count];
        for (var i = 0; i < payloads.Length; i++)
        {
            payloads[i] = evidence.Payloads?[i] is { } stored
                ? MemoryMarshal.TryGetArray(stored, out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length ? whole.Array : stored.ToArray()
                : evidence.Entries[i].Payload is { } text ? Encoding.UTF8.GetBytes(text) : null;
        }

        return payloads;
    }
}

/// <summary>A payment recorded as a tenant's credit.</summary>
public sealed record DepositResponse(
    string Reference, string Tenant, string Currency, long Amount, DateTimeOffset RecordedAt, string RecordedBy, string? Transaction, long? Block)
{
    internal static DepositResponse From(Deposit d) =>
        new(d.Reference, d.TenantId, d.Currency, d.Amount, d.RecordedAt, d.RecordedBy, d.Recorded?.TransactionHash, d.Recorded?.BlockNumber);
}

/// <summary>A tenant's statement of account in one currency.</summary>
public sealed record StatementResponse(
    string Tenant, string Currency, long Balance, string BalanceText, IReadOnlyList<DepositResponse> Deposits, IReadOnlyList<InvoiceResponse> Invoices,
    long Outstanding, string OutstandingText)
{
    internal static StatementResponse From(Statement s)
    {
        var digits = s.Invoices.FirstOrDefault()?.Invoice?.MinorDigits ?? 2;
        return new(s.TenantId, s.Currency, s.Balance, BillingNames.Amount(s.Balance, digits), [.. s.Deposits.Select(DepositResponse.From)],
            [.. s.Invoices.Select(InvoiceResponse.From)], s.Outstanding, BillingNames.Amount(s.Outstanding, digits));
    }
}
