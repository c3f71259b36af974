using Microsoft.EntityFrameworkCore;

namespace Sankofa.Data.Billing;

/// <summary>Table row of one resource's availability in one clock hour (docs/billing.md).</summary>
internal sealed class AvailabilityRow
{
    public required string ResourceId { get; set; }
    public long HourStartMs { get; set; }
    public required string TenantId { get; set; }
    public required string ProjectId { get; set; }
    public long ExpectedSeconds { get; set; }
    public long DownSeconds { get; set; }

    // The audit entry that seals the hour once it is complete; null until then.
    public long? AuditEntryId { get; set; }
}

/// <summary>Table row of a down interval; <see cref="EndMs"/> null while it lasts.</summary>
internal sealed class DownIntervalRow
{
    public required string ResourceId { get; set; }
    public long StartMs { get; set; }
    public required string TenantId { get; set; }
    public long? EndMs { get; set; }
}

/// <summary>Table row of the instant up to which a resource's availability is recorded.</summary>
internal sealed class AvailabilityMarkRow
{
    public required string ResourceId { get; set; }
    public long MeasuredUntilMs { get; set; }
}

/// <summary>The availability tables.</summary>
internal static class AvailabilityModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AvailabilityRow>(e =>
        {
            e.ToTable("resource_availability");
            e.HasKey(x => new { x.ResourceId, x.HourStartMs });
            e.Property(x => x.ResourceId).HasColumnName("resource_id").HasMaxLength(64);
            e.Property(x => x.HourStartMs).HasColumnName("hour_start_ms");
            e.Property(x => x.TenantId).HasColumnName("tenant_id").HasMaxLength(63);
            e.Property(x => x.ProjectId).HasColumnName("project_id").HasMaxLength(63);
            e.Property(x => x.ExpectedSeconds).HasColumnName("expected_seconds");
            e.Property(x => x.DownSeconds).HasColumnName("down_seconds");
            // A concurrency token: two servers sealing the same hour cannot both win (the loser rolls back its entries).
            e.Property(x => x.AuditEntryId).HasColumnName("audit_entry_id").IsConcurrencyToken();
            // Covers the tenant's sealed entries for a period without a lookup per row, as for usage.
            e.HasIndex(x => new { x.TenantId, x.HourStartMs, x.AuditEntryId }).HasDatabaseName("ix_resource_availability_tenant");
            e.HasIndex(x => new { x.AuditEntryId, x.HourStartMs }).HasDatabaseName("ix_resource_availability_unsealed");
        });
        modelBuilder.Entity<DownIntervalRow>(e =>
        {
            e.ToTable("resource_down_intervals");
            e.HasKey(x => new { x.ResourceId, x.StartMs });
            e.Property(x => x.ResourceId).HasColumnName("resource_id").HasMaxLength(64);
            e.Property(x => x.StartMs).HasColumnName("start_ms");
            e.Property(x => x.TenantId).HasColumnName("tenant_id").HasMaxLength(63);
            e.Property(x => x.EndMs).HasColumnName("end_ms");
            e.HasIndex(x => new { x.TenantId, x.StartMs }).HasDatabaseName("ix_resource_down_intervals_tenant");
        });
        modelBuilder.Entity<AvailabilityMarkRow>(e =>
        {
            e.ToTable("resource_availability_marks");
            e.HasKey(x => x.ResourceId);
            e.Property(x => x.ResourceId).HasColumnName("resource_id").HasMaxLength(64);
            // A concurrency token: two servers measuring the same resource from the same mark cannot both record.
            e.Property(x => x.MeasuredUntilMs).HasColumnName("measured_until_ms").IsConcurrencyToken();
        });
    }
}
