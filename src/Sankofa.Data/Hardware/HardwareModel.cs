using Microsoft.EntityFrameworkCore;

namespace Sankofa.Data.Hardware;

/// <summary>Table row of a hardware asset; its firmware versions as JSON (read whole, never queried).</summary>
internal sealed class AssetRow
{
    public long Sequence { get; set; }
    public required string Id { get; set; }
    public int Kind { get; set; }
    public required string Manufacturer { get; set; }
    public required string Model { get; set; }
    public required string Serial { get; set; }
    public required string Firmware { get; set; }
    public string? ServerId { get; set; }
    public string? HostId { get; set; }
    public long CreatedAtMs { get; set; }
}

/// <summary>Table row of a custody event the chain accepted, with its chain record.</summary>
internal sealed class CustodyEventRow
{
    public required string AssetId { get; set; }
    public long Sequence { get; set; }
    public int Kind { get; set; }
    public required string Actor { get; set; }
    public string? Counterparty { get; set; }
    public required byte[] DocumentHash { get; set; }
    public bool? Passed { get; set; }
    public string? SiteId { get; set; }
    public string? HostId { get; set; }
    public long RecordedAtMs { get; set; }
    public required string ChainTransaction { get; set; }
    public long ChainBlock { get; set; }
}

/// <summary>Table row of an off-chain custody document, keyed by its SHA-256.</summary>
internal sealed class CustodyDocumentRow
{
    public required byte[] Hash { get; set; }
    public required string ContentType { get; set; }
    public required byte[] Content { get; set; }
    public long StoredAtMs { get; set; }
}

/// <summary>
/// The one row of custody_version: bumped in the transaction of every asset and custody event written, so any server
/// knows from one row read whether its host verdicts are still current.
/// </summary>
internal sealed class CustodyVersionRow
{
    public int Id { get; set; }
    public long Version { get; set; }
}

/// <summary>The hardware tables: assets, custody_events, custody_documents, custody_version.</summary>
internal static class HardwareModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AssetRow>(e =>
        {
            e.ToTable("assets");
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).HasColumnName("sequence").ValueGeneratedOnAdd();
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(128);
            e.Property(x => x.Kind).HasColumnName("kind");
            e.Property(x => x.Manufacturer).HasColumnName("manufacturer").HasMaxLength(200);
            e.Property(x => x.Model).HasColumnName("model").HasMaxLength(200);
            e.Property(x => x.Serial).HasColumnName("serial").HasMaxLength(200);
            e.Property(x => x.Firmware).HasColumnName("firmware");
            e.Property(x => x.ServerId).HasColumnName("server_id").HasMaxLength(128);
            e.Property(x => x.HostId).HasColumnName("host_id").HasMaxLength(64);
            e.Property(x => x.CreatedAtMs).HasColumnName("created_at_ms");
            e.HasIndex(x => x.Id).IsUnique().HasDatabaseName("ux_assets_id");
            e.HasIndex(x => x.ServerId).HasDatabaseName("ix_assets_server");
            e.HasIndex(x => x.HostId).HasDatabaseName("ix_assets_host");
        });
        modelBuilder.Entity<CustodyEventRow>(e =>
        {
            e.ToTable("custody_events");
            e.HasKey(x => new { x.AssetId, x.Sequence });
            e.Property(x => x.AssetId).HasColumnName("asset_id").HasMaxLength(128);
            e.Property(x => x.Sequence).HasColumnName("sequence").ValueGeneratedNever();
            e.Property(x => x.Kind).HasColumnName("kind");
            e.Property(x => x.Actor).HasColumnName("actor").HasMaxLength(128);
            e.Property(x => x.Counterparty).HasColumnName("counterparty").HasMaxLength(128);
            e.Property(x => x.DocumentHash).HasColumnName("document_hash");
            e.Property(x => x.Passed).HasColumnName("passed");
            e.Property(x => x.SiteId).HasColumnName("site_id").HasMaxLength(64);
            e.Property(x => x.HostId).HasColumnName("host_id").HasMaxLength(64);
            e.Property(x => x.RecordedAtMs).HasColumnName("recorded_at_ms");
            e.Property(x => x.ChainTransaction).HasColumnName("chain_transaction").HasMaxLength(66);
            e.Property(x => x.ChainBlock).HasColumnName("chain_block");
        });
        modelBuilder.Entity<CustodyVersionRow>(e =>
        {
            e.ToTable("custody_version");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(x => x.Version).HasColumnName("version");
            e.HasData(new CustodyVersionRow { Id = 1, Version = 0 });
        });
        modelBuilder.Entity<CustodyDocumentRow>(e =>
        {
            e.ToTable("custody_documents");
            e.HasKey(x => x.Hash);
            e.Property(x => x.Hash).HasColumnName("hash");
            e.Property(x => x.ContentType).HasColumnName("content_type").HasMaxLength(200);
            e.Property(x => x.Content).HasColumnName("content");
            e.Property(x => x.StoredAtMs).HasColumnName("stored_at_ms");
        });
    }
}
