using Microsoft.EntityFrameworkCore;

namespace Sankofa.Data.Retention;

/// <summary>Table row of one removal of batches from the hot audit log (an archive or a deletion), with the boundary it leaves.</summary>
internal sealed class AuditRemovalRow
{
    public long Id { get; set; }
    public required string Kind { get; set; }
    public long CreatedAtMs { get; set; }
    public long BeforeMs { get; set; }
    public long FirstBatch { get; set; }
    public long LastBatch { get; set; }
    public long FirstSequence { get; set; }
    public long LastSequence { get; set; }
    public long OldestEntryMs { get; set; }
    public long NewestEntryMs { get; set; }
    public required byte[] LastHash { get; set; }
    public int LastLeafIndex { get; set; }
    public required byte[] LastProof { get; set; }
    public string? FileName { get; set; }
    public byte[]? FileSha256 { get; set; }
}

/// <summary>The retention tables.</summary>
internal static class RetentionModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuditRemovalRow>(e =>
        {
            e.ToTable("audit_removals");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(16);
            e.Property(x => x.CreatedAtMs).HasColumnName("created_at_ms");
            e.Property(x => x.BeforeMs).HasColumnName("before_ms");
            e.Property(x => x.FirstBatch).HasColumnName("first_batch");
            e.Property(x => x.LastBatch).HasColumnName("last_batch");
            e.Property(x => x.FirstSequence).HasColumnName("first_sequence");
            e.Property(x => x.LastSequence).HasColumnName("last_sequence");
            e.Property(x => x.OldestEntryMs).HasColumnName("oldest_entry_ms");
            e.Property(x => x.NewestEntryMs).HasColumnName("newest_entry_ms");
            e.Property(x => x.LastHash).HasColumnName("last_hash");
            e.Property(x => x.LastLeafIndex).HasColumnName("last_leaf_index");
            e.Property(x => x.LastProof).HasColumnName("last_proof");
            e.Property(x => x.FileName).HasColumnName("file_name").HasMaxLength(128);
            e.Property(x => x.FileSha256).HasColumnName("file_sha256");
            e.HasIndex(x => x.LastSequence).IsUnique().HasDatabaseName("ix_audit_removals_last_sequence");
        });
    }
}
