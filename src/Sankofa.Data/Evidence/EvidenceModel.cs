using Microsoft.EntityFrameworkCore;

namespace Sankofa.Data.Evidence;

/// <summary>Table row of one control-evidence run, with its package (the anchored bytes) and PDF report.</summary>
internal sealed class EvidenceRunRow
{
    public long Id { get; set; }
    public int Attempt { get; set; }
    public long FromMs { get; set; }
    public long ToMs { get; set; }
    public long CreatedAtMs { get; set; }
    public required string CreatedBy { get; set; }
    public required byte[] PackageSha256 { get; set; }
    public required byte[] Package { get; set; }
    public required byte[] Report { get; set; }
    public long AuditEntryId { get; set; }
    public int Passed { get; set; }
    public int Failed { get; set; }
    public int NotApplicable { get; set; }
    public int Manual { get; set; }
}

/// <summary>The control-evidence table.</summary>
internal static class EvidenceModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<EvidenceRunRow>(e =>
        {
            e.ToTable("compliance_evidence_runs");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(x => x.Attempt).HasColumnName("attempt");
            e.Property(x => x.FromMs).HasColumnName("from_ms");
            e.Property(x => x.ToMs).HasColumnName("to_ms");
            e.Property(x => x.CreatedAtMs).HasColumnName("created_at_ms");
            e.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(256);
            e.Property(x => x.PackageSha256).HasColumnName("package_sha256");
            e.Property(x => x.Package).HasColumnName("package");
            e.Property(x => x.Report).HasColumnName("report");
            e.Property(x => x.AuditEntryId).HasColumnName("audit_entry_id");
            e.Property(x => x.Passed).HasColumnName("passed");
            e.Property(x => x.Failed).HasColumnName("failed");
            e.Property(x => x.NotApplicable).HasColumnName("not_applicable");
            e.Property(x => x.Manual).HasColumnName("manual");
            // One row per attempt of a period: two runs racing for the same attempt collide here, not in the log.
            e.HasIndex(x => new { x.FromMs, x.ToMs, x.Attempt }).IsUnique().HasDatabaseName("ix_compliance_evidence_runs_period");
        });
    }
}
