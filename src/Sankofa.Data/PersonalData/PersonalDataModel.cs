using Microsoft.EntityFrameworkCore;

namespace Sankofa.Data.PersonalData;

/// <summary>Table row of a subject's key: wrapped under the master key; after erasure the row stays without key.</summary>
internal sealed class PersonalDataKeyRow
{
    public required string SubjectId { get; set; }
    public byte[]? WrappedKey { get; set; }
    public long CreatedAtMs { get; set; }
    public long? ErasedAtMs { get; set; }
}

/// <summary>Table row of one encrypted personal field of a subject.</summary>
internal sealed class PersonalDataFieldRow
{
    public required string SubjectId { get; set; }
    public required string Field { get; set; }
    public required string SealedValue { get; set; }
    public long UpdatedAtMs { get; set; }
}

/// <summary>Tables of personal data (docs/personal-data.md). No foreign key to accounts: a key is made before its account is stored.</summary>
internal static class PersonalDataModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PersonalDataKeyRow>(e =>
        {
            e.ToTable("personal_data_keys");
            e.HasKey(x => x.SubjectId);
            e.Property(x => x.SubjectId).HasColumnName("subject_id").HasMaxLength(64);
            e.Property(x => x.WrappedKey).HasColumnName("wrapped_key");
            e.Property(x => x.CreatedAtMs).HasColumnName("created_at_ms");
            e.Property(x => x.ErasedAtMs).HasColumnName("erased_at_ms");
        });
        modelBuilder.Entity<PersonalDataFieldRow>(e =>
        {
            e.ToTable("personal_data_fields");
            e.HasKey(x => new { x.SubjectId, x.Field });
            e.Property(x => x.SubjectId).HasColumnName("subject_id").HasMaxLength(64);
            e.Property(x => x.Field).HasColumnName("field").HasMaxLength(64);
            e.Property(x => x.SealedValue).HasColumnName("sealed_value");
            e.Property(x => x.UpdatedAtMs).HasColumnName("updated_at_ms");
        });
    }
}
