using Microsoft.EntityFrameworkCore;

namespace Sankofa.Data.Agents;

/// <summary>Table row of a site agent's key. Times are Unix milliseconds, states lower-case words, addresses lower-case 0x hex.</summary>
internal sealed class SiteAgentRow
{
    public long Seq { get; set; }
    public required string SiteId { get; set; }
    public required string Address { get; set; }
    public required string Version { get; set; }
    public required string State { get; set; }
    public long RegisteredAtMs { get; set; }
    public required string RegisteredBy { get; set; }
    public long SignedAtMs { get; set; }
    public required byte[] Proof { get; set; }
    public long? ApprovedAtMs { get; set; }
    public string? ApprovedBy { get; set; }
    public string? KeyTransaction { get; set; }
    public long? KeyBlock { get; set; }
    public long? LastSeenAtMs { get; set; }
    public string? RotatesFrom { get; set; }
    public byte[]? RotationSignature { get; set; }
    public long? RetiredAtMs { get; set; }
    public string? RetiredBy { get; set; }
    public string? RetireTransaction { get; set; }
    public long? RetireBlock { get; set; }
}

/// <summary>The table of site agents.</summary>
internal static class AgentModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SiteAgentRow>(e =>
        {
            e.ToTable("site_agents");
            e.HasKey(x => x.Seq);
            e.Property(x => x.Seq).HasColumnName("seq").ValueGeneratedOnAdd();
            e.Property(x => x.SiteId).HasColumnName("site_id").HasMaxLength(64);
            e.Property(x => x.Address).HasColumnName("address").HasMaxLength(42);
            e.Property(x => x.Version).HasColumnName("version").HasMaxLength(64);
            e.Property(x => x.State).HasColumnName("state").HasMaxLength(16);
            e.Property(x => x.RegisteredAtMs).HasColumnName("registered_at_ms");
            e.Property(x => x.RegisteredBy).HasColumnName("registered_by").HasMaxLength(256);
            e.Property(x => x.SignedAtMs).HasColumnName("signed_at_ms");
            e.Property(x => x.Proof).HasColumnName("proof");
            e.Property(x => x.ApprovedAtMs).HasColumnName("approved_at_ms");
            e.Property(x => x.ApprovedBy).HasColumnName("approved_by").HasMaxLength(256);
            e.Property(x => x.KeyTransaction).HasColumnName("key_transaction").HasMaxLength(66);
            e.Property(x => x.KeyBlock).HasColumnName("key_block");
            e.Property(x => x.LastSeenAtMs).HasColumnName("last_seen_at_ms");
            e.Property(x => x.RotatesFrom).HasColumnName("rotates_from").HasMaxLength(42);
            e.Property(x => x.RotationSignature).HasColumnName("rotation_signature");
            e.Property(x => x.RetiredAtMs).HasColumnName("retired_at_ms");
            e.Property(x => x.RetiredBy).HasColumnName("retired_by").HasMaxLength(256);
            e.Property(x => x.RetireTransaction).HasColumnName("retire_transaction").HasMaxLength(66);
            e.Property(x => x.RetireBlock).HasColumnName("retire_block");
            e.HasIndex(x => new { x.SiteId, x.Address }).IsUnique().HasDatabaseName("ix_site_agents_site_address");
            e.HasIndex(x => new { x.SiteId, x.Seq }).HasDatabaseName("ix_site_agents_site");
        });
    }
}
