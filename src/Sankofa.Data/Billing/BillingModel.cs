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
    }
}
