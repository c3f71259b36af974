using Microsoft.EntityFrameworkCore;

namespace Sankofa.Data.Audit;

/// <summary>Table row of an <see cref="Core.Audit.AuditChainGap"/>: batches the chain holds that a restored store lost.</summary>
internal sealed class AuditChainGapRow
{
    public long FirstBatchId { get; set; }
    public long LastBatchId { get; set; }
    public int Batches { get; set; }
    public long Entries { get; set; }
    public long Resealed { get; set; }
    public long FirstSequence { get; set; }
    public long FoundAtMs { get; set; }
}

/// <summary>The chain-gap table, beside the audit tables (which it leaves untouched).</summary>
internal static class AuditChainGapModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuditChainGapRow>(e =>
        {
            e.ToTable("audit_chain_gaps");
            e.HasKey(x => x.FirstBatchId);
            e.Property(x => x.FirstBatchId).HasColumnName("first_batch_id").ValueGeneratedNever();
            e.Property(x => x.LastBatchId).HasColumnName("last_batch_id");
            e.Property(x => x.Batches).HasColumnName("batches");
            e.Property(x => x.Entries).HasColumnName("entries");
            e.Property(x => x.Resealed).HasColumnName("resealed");
            e.Property(x => x.FirstSequence).HasColumnName("first_sequence");
            e.Property(x => x.FoundAtMs).HasColumnName("found_at_ms");
        });
    }
}
