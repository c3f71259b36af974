using Microsoft.EntityFrameworkCore;

namespace Sankofa.Data.Agents;

/// <summary>Table row of a site's work item. Times are Unix milliseconds, kinds, states and outcomes lower-case words.</summary>
internal sealed class SiteWorkRow
{
    public long Seq { get; set; }
    public required string WorkId { get; set; }
    public required string SiteId { get; set; }
    public required string ResourceId { get; set; }
    public required string Kind { get; set; }
    public required string State { get; set; }
    public required string OrderJson { get; set; }
    public long QueuedAtMs { get; set; }
    public long? FinishedAtMs { get; set; }
    public string? Outcome { get; set; }
    public string? Error { get; set; }
    public string? VmNode { get; set; }
    public int? VmId { get; set; }
    public byte[]? ObservedSpecHash { get; set; }
    public byte[]? Signature { get; set; }
    public long? AttestationCount { get; set; }
}

/// <summary>The table of the work queued for site agents.</summary>
internal static class SiteWorkModel
{
    /// <summary>The state word of an open item: one open item per resource and kind, enforced by a filtered unique index.</summary>
    public const string Open = "open";

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SiteWorkRow>(e =>
        {
            e.ToTable("site_work");
            e.HasKey(x => x.Seq);
            e.Property(x => x.Seq).HasColumnName("seq").ValueGeneratedOnAdd();
            e.Property(x => x.WorkId).HasColumnName("work_id").HasMaxLength(64);
            e.Property(x => x.SiteId).HasColumnName("site_id").HasMaxLength(64);
            e.Property(x => x.ResourceId).HasColumnName("resource_id").HasMaxLength(64);
            e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(16);
            e.Property(x => x.State).HasColumnName("state").HasMaxLength(16);
            e.Property(x => x.OrderJson).HasColumnName("order_json");
            e.Property(x => x.QueuedAtMs).HasColumnName("queued_at_ms");
            e.Property(x => x.FinishedAtMs).HasColumnName("finished_at_ms");
            e.Property(x => x.Outcome).HasColumnName("outcome").HasMaxLength(16);
            e.Property(x => x.Error).HasColumnName("error").HasMaxLength(2048);
            e.Property(x => x.VmNode).HasColumnName("vm_node").HasMaxLength(64);
            e.Property(x => x.VmId).HasColumnName("vm_id");
            e.Property(x => x.ObservedSpecHash).HasColumnName("observed_spec_hash");
            e.Property(x => x.Signature).HasColumnName("signature");
            e.Property(x => x.AttestationCount).HasColumnName("attestation_count");
            e.HasIndex(x => x.WorkId).IsUnique().HasDatabaseName("ix_site_work_work_id");
            e.HasIndex(x => new { x.ResourceId, x.Kind }).IsUnique().HasFilter("state = 'open'").HasDatabaseName("ix_site_work_open_resource");
            e.HasIndex(x => new { x.ResourceId, x.Kind, x.Seq }).HasDatabaseName("ix_site_work_resource");
            e.HasIndex(x => new { x.SiteId, x.Seq }).HasFilter("state = 'open'").HasDatabaseName("ix_site_work_open_site");
        });
    }
}
