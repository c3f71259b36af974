using Microsoft.EntityFrameworkCore;

namespace Sankofa.Data.Billing;

/// <summary>Table row of a price book version; its prices as canonical JSON (they are read whole, never queried).</summary>
internal sealed class PriceBookRow
{
    public long Version { get; set; }
    public long EffectiveFromMs { get; set; }
    public required string Currency { get; set; }
    public int MinorDigits { get; set; }
    public required string Prices { get; set; }
    public required byte[] Hash { get; set; }
    public long CreatedAtMs { get; set; }
    public required string CreatedBy { get; set; }
    public string? ChainTransaction { get; set; }
    public long? ChainBlock { get; set; }
}

/// <summary>Table row of a billing run and, once built, its invoice (the whole invoice as JSON: read whole, never queried).</summary>
internal sealed class InvoiceRow
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public long PeriodStartMs { get; set; }
    public long PeriodEndMs { get; set; }
    public int Status { get; set; }
    public string? WaitingFor { get; set; }
    public long CreatedAtMs { get; set; }
    public required string CreatedBy { get; set; }
    public string? Document { get; set; }
    public byte[]? Hash { get; set; }
    public string? Currency { get; set; }
    public long? Total { get; set; }
    public string? IssueTransaction { get; set; }
    public long? IssueBlock { get; set; }
    public string? Customer { get; set; }
    public string? Auditor { get; set; }
    public string? SettleTransaction { get; set; }
    public long? SettleBlock { get; set; }
    public long? CheckedAtMs { get; set; }
}

/// <summary>Table row of a payment recorded as a tenant's credit.</summary>
internal sealed class DepositRow
{
    public required string Reference { get; set; }
    public required string TenantId { get; set; }
    public required string Currency { get; set; }
    public long Amount { get; set; }
    public long RecordedAtMs { get; set; }
    public required string RecordedBy { get; set; }
    public string? ChainTransaction { get; set; }
    public long? ChainBlock { get; set; }
}

/// <summary>
/// Which tenant and hour a sealed usage or availability entry holds (docs/billing.md): an invoice's evidence is found here in
/// one row per entry (1,440 for a month of usage and availability) instead of one per resource-hour.
/// </summary>
internal sealed class TenantHourSealRow
{
    public long EntryId { get; set; }
    public required string TenantId { get; set; }
    public long HourStartMs { get; set; }
}

/// <summary>The billing tables.</summary>
internal static class BillingModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PriceBookRow>(e =>
        {
            e.ToTable("price_books");
            e.HasKey(x => x.Version);
            e.Property(x => x.Version).HasColumnName("version").ValueGeneratedNever();
            e.Property(x => x.EffectiveFromMs).HasColumnName("effective_from_ms");
            e.Property(x => x.Currency).HasColumnName("currency").HasMaxLength(3);
            e.Property(x => x.MinorDigits).HasColumnName("minor_digits");
            e.Property(x => x.Prices).HasColumnName("prices");
            e.Property(x => x.Hash).HasColumnName("hash");
            e.Property(x => x.CreatedAtMs).HasColumnName("created_at_ms");
            e.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(128);
            e.Property(x => x.ChainTransaction).HasColumnName("chain_transaction").HasMaxLength(66);
            e.Property(x => x.ChainBlock).HasColumnName("chain_block");
        });
        modelBuilder.Entity<InvoiceRow>(e =>
        {
            e.ToTable("invoices");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(200);
            e.Property(x => x.TenantId).HasColumnName("tenant_id").HasMaxLength(64);
            e.Property(x => x.PeriodStartMs).HasColumnName("period_start_ms");
            e.Property(x => x.PeriodEndMs).HasColumnName("period_end_ms");
            e.Property(x => x.Status).HasColumnName("status");
            e.Property(x => x.WaitingFor).HasColumnName("waiting_for").HasMaxLength(500);
            e.Property(x => x.CreatedAtMs).HasColumnName("created_at_ms");
            e.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(128);
            e.Property(x => x.Document).HasColumnName("document");
            e.Property(x => x.Hash).HasColumnName("hash");
            e.Property(x => x.Currency).HasColumnName("currency").HasMaxLength(3);
            e.Property(x => x.Total).HasColumnName("total");
            e.Property(x => x.IssueTransaction).HasColumnName("issue_transaction").HasMaxLength(66);
            e.Property(x => x.IssueBlock).HasColumnName("issue_block");
            e.Property(x => x.Customer).HasColumnName("customer").HasMaxLength(42);
            e.Property(x => x.Auditor).HasColumnName("auditor").HasMaxLength(42);
            e.Property(x => x.SettleTransaction).HasColumnName("settle_transaction").HasMaxLength(66);
            e.Property(x => x.SettleBlock).HasColumnName("settle_block");
            e.Property(x => x.CheckedAtMs).HasColumnName("checked_at_ms");
            e.HasIndex(x => new { x.TenantId, x.PeriodStartMs }).HasDatabaseName("ix_invoices_tenant_period");
            e.HasIndex(x => new { x.Status, x.CheckedAtMs }).HasDatabaseName("ix_invoices_status_checked");
        });
        modelBuilder.Entity<DepositRow>(e =>
        {
            e.ToTable("billing_deposits");
            e.HasKey(x => x.Reference);
            e.Property(x => x.Reference).HasColumnName("reference").HasMaxLength(128);
            e.Property(x => x.TenantId).HasColumnName("tenant_id").HasMaxLength(64);
            e.Property(x => x.Currency).HasColumnName("currency").HasMaxLength(3);
            e.Property(x => x.Amount).HasColumnName("amount");
            e.Property(x => x.RecordedAtMs).HasColumnName("recorded_at_ms");
            e.Property(x => x.RecordedBy).HasColumnName("recorded_by").HasMaxLength(128);
            e.Property(x => x.ChainTransaction).HasColumnName("chain_transaction").HasMaxLength(66);
            e.Property(x => x.ChainBlock).HasColumnName("chain_block");
            e.HasIndex(x => x.TenantId).HasDatabaseName("ix_billing_deposits_tenant");
        });
        modelBuilder.Entity<TenantHourSealRow>(e =>
        {
            e.ToTable("tenant_hour_seals");
            e.HasKey(x => x.EntryId);
            e.Property(x => x.EntryId).HasColumnName("entry_id").ValueGeneratedNever();
            e.Property(x => x.TenantId).HasColumnName("tenant_id").HasMaxLength(64);
            e.Property(x => x.HourStartMs).HasColumnName("hour_start_ms");
            e.HasIndex(x => new { x.TenantId, x.HourStartMs, x.EntryId }).HasDatabaseName("ix_tenant_hour_seals_tenant");
        });
    }
}
