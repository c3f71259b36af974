using Microsoft.EntityFrameworkCore;
using Sankofa.Data.Agents;
using Sankofa.Data.Audit;
using Sankofa.Data.Identity;
using Sankofa.Data.Provisioning;

namespace Sankofa.Data;

/// <summary>
/// The control plane's database. One model for both providers; each provider has its own derived context so that
/// its migrations (which differ in column types) live apart: <see cref="SqliteSankofaDbContext"/> and <see cref="PostgresSankofaDbContext"/>.
/// </summary>
public abstract class SankofaDbContext : DbContext
{
    /// <summary>Creates the context.</summary>
    protected SankofaDbContext(DbContextOptions options) : base(options) { }

    internal DbSet<AuditEntryRow> AuditEntries => Set<AuditEntryRow>();

    internal DbSet<AuditSealRow> AuditSeals => Set<AuditSealRow>();

    internal DbSet<AuditUnsealedRow> AuditUnsealed => Set<AuditUnsealedRow>();

    internal DbSet<AuditBatchRow> AuditBatches => Set<AuditBatchRow>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<AuditEntryRow>(e =>
        {
            e.ToTable("audit_entries");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.TimeMs).HasColumnName("time_ms");
            e.Property(x => x.Actor).HasColumnName("actor").HasMaxLength(256);
            e.Property(x => x.Action).HasColumnName("action").HasMaxLength(256);
            e.Property(x => x.Subject).HasColumnName("subject").HasMaxLength(256);
            e.Property(x => x.Payload).HasColumnName("payload");
            e.Property(x => x.PayloadHash).HasColumnName("payload_hash");
            e.HasIndex(x => new { x.Actor, x.Id }).HasDatabaseName("ix_audit_entries_actor");
            e.HasIndex(x => new { x.Subject, x.Id }).HasDatabaseName("ix_audit_entries_subject");
            e.HasIndex(x => new { x.Action, x.Id }).HasDatabaseName("ix_audit_entries_action");
            // The migrations leave this foreign key out of the database: checking it would lock (and so write) the entry
            // row for every seal inserted. Only the sealer inserts seals, for entries it has just read in its transaction.
            e.HasOne(x => x.Seal).WithOne(x => x.Entry).HasForeignKey<AuditSealRow>(x => x.EntryId);
        });
        modelBuilder.Entity<AuditSealRow>(e =>
        {
            e.ToTable("audit_seals");
            e.HasKey(x => x.EntryId);
            e.Property(x => x.EntryId).HasColumnName("entry_id").ValueGeneratedNever();
            e.Property(x => x.Sequence).HasColumnName("sequence");
            e.Property(x => x.PreviousHash).HasColumnName("previous_hash");
            e.Property(x => x.Hash).HasColumnName("hash");
            e.Property(x => x.BatchId).HasColumnName("batch_id");
            e.Property(x => x.LeafIndex).HasColumnName("leaf_index");
            e.Property(x => x.Proof).HasColumnName("proof");
            e.HasIndex(x => x.Sequence).IsUnique().HasDatabaseName("ix_audit_seals_sequence");
            e.HasIndex(x => x.BatchId).HasDatabaseName("ix_audit_seals_batch_id");
        });
        modelBuilder.Entity<AuditUnsealedRow>(e =>
        {
            e.ToTable("audit_unsealed");
            e.HasKey(x => x.EntryId);
            e.Property(x => x.EntryId).HasColumnName("entry_id").ValueGeneratedNever();
        });
        modelBuilder.Entity<AuditBatchRow>(e =>
        {
            e.ToTable("audit_batches");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(x => x.Root).HasColumnName("root");
            e.Property(x => x.FirstSequence).HasColumnName("first_sequence");
            e.Property(x => x.Count).HasColumnName("count");
            e.Property(x => x.SealedAtMs).HasColumnName("sealed_at_ms");
            e.Property(x => x.AnchorTransaction).HasColumnName("anchor_transaction").HasMaxLength(66);
            e.Property(x => x.AnchorBlock).HasColumnName("anchor_block");
            e.Property(x => x.AnchoredAtMs).HasColumnName("anchored_at_ms");
            e.HasIndex(x => x.Id).HasFilter("anchor_block IS NULL").HasDatabaseName("ix_audit_batches_unanchored");
        });
        AuditChainGapModel.Configure(modelBuilder);
        ProvisioningModel.Configure(modelBuilder);
        ResourceChainGapModel.Configure(modelBuilder);
        AccountModel.Configure(modelBuilder);
        AgentModel.Configure(modelBuilder);
        Billing.BillingModel.Configure(modelBuilder);
        Billing.AvailabilityModel.Configure(modelBuilder);
        Hardware.HardwareModel.Configure(modelBuilder);
        SiteWorkModel.Configure(modelBuilder);
        Retention.RetentionModel.Configure(modelBuilder);
        PersonalData.PersonalDataModel.Configure(modelBuilder);
        Evidence.EvidenceModel.Configure(modelBuilder);
    }
}

/// <summary>The SQLite flavour (embedded default).</summary>
public sealed class SqliteSankofaDbContext(DbContextOptions<SqliteSankofaDbContext> options) : SankofaDbContext(options);

/// <summary>The PostgreSQL flavour (production).</summary>
public sealed class PostgresSankofaDbContext(DbContextOptions<PostgresSankofaDbContext> options) : SankofaDbContext(options);
