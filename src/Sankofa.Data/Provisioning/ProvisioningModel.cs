using Microsoft.EntityFrameworkCore;

namespace Sankofa.Data.Provisioning;

/// <summary>Tables of tenancy and provisioning: tenants, projects, resources, their events and hourly usage.</summary>
internal static class ProvisioningModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<TenantRow>(e =>
        {
            e.ToTable("tenants");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(63);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(200);
            Quotas(e);
        });
        modelBuilder.Entity<ProjectRow>(e =>
        {
            e.ToTable("projects");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(63);
            e.Property(x => x.TenantId).HasColumnName("tenant_id").HasMaxLength(63);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(200);
            e.HasIndex(x => x.TenantId).HasDatabaseName("ix_projects_tenant_id");
            e.HasOne<TenantRow>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Restrict);
            Quotas(e);
        });
        modelBuilder.Entity<ResourceRow>(e =>
        {
            e.ToTable("resources");
            e.HasKey(x => x.Seq);
            e.Property(x => x.Seq).HasColumnName("seq").ValueGeneratedOnAdd();
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(64);
            e.Property(x => x.TenantId).HasColumnName("tenant_id").HasMaxLength(63);
            e.Property(x => x.ProjectId).HasColumnName("project_id").HasMaxLength(63);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(63);
            e.Property(x => x.VCpu).HasColumnName("vcpu");
            e.Property(x => x.RamMiB).HasColumnName("ram_mib");
            e.Property(x => x.DiskGiB).HasColumnName("disk_gib");
            e.Property(x => x.Template).HasColumnName("template").HasMaxLength(200);
            e.Property(x => x.SshKeys).HasColumnName("ssh_keys");
            e.Property(x => x.CloudInitUser).HasColumnName("cloud_init_user").HasMaxLength(32);
            e.Property(x => x.SpecHash).HasColumnName("spec_hash");
            e.Property(x => x.Desired).HasColumnName("desired").HasMaxLength(16);
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
            e.Property(x => x.Settled).HasColumnName("settled");
            e.Property(x => x.FailureReason).HasColumnName("failure_reason");
            e.Property(x => x.SiteId).HasColumnName("site_id").HasMaxLength(64);
            e.Property(x => x.HostId).HasColumnName("host_id").HasMaxLength(64);
            e.Property(x => x.AntiAffinityGroup).HasColumnName("anti_affinity_group").HasMaxLength(200);
            e.Property(x => x.PlacementJson).HasColumnName("placement");
            e.Property(x => x.VmNode).HasColumnName("vm_node").HasMaxLength(64);
            e.Property(x => x.VmId).HasColumnName("vm_id");
            e.Property(x => x.Attempts).HasColumnName("attempts");
            e.Property(x => x.NextAttemptAtMs).HasColumnName("next_attempt_at_ms");
            e.Property(x => x.CreatedAtMs).HasColumnName("created_at_ms");
            e.Property(x => x.UpdatedAtMs).HasColumnName("updated_at_ms");
            e.Property(x => x.VerifiedAtMs).HasColumnName("verified_at_ms");
            e.Property(x => x.DeletedAtMs).HasColumnName("deleted_at_ms");
            e.Property(x => x.MeteredUntilMs).HasColumnName("metered_until_ms");
            e.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(200);
            e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
            // The server whose reconciler holds the resource until next_attempt_at_ms (a lease, renewed at every step).
            e.Property(x => x.ClaimedBy).HasColumnName("claimed_by").HasMaxLength(200);
            // The list item's JSON and the version it was written for: a list page reads these two and the sequence, not every column.
            e.Property(x => x.ListJson).HasColumnName("list_json");
            e.Property(x => x.ListJsonVersion).HasColumnName("list_json_version");
            e.HasIndex(x => x.Id).IsUnique().HasDatabaseName("ix_resources_id");
            e.HasIndex(x => new { x.ProjectId, x.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL")
                .HasDatabaseName("ix_resources_idempotency_key");
            e.HasIndex(x => new { x.TenantId, x.Seq }).HasDatabaseName("ix_resources_tenant");
            e.HasIndex(x => new { x.ProjectId, x.Seq }).HasDatabaseName("ix_resources_project");
            e.HasIndex(x => new { x.SiteId, x.Seq }).HasDatabaseName("ix_resources_site");
            e.HasIndex(x => new { x.Status, x.Seq }).HasDatabaseName("ix_resources_status");
            // The list sorted by name pages through (name, seq) ranges; status and site sorts use the indexes above.
            e.HasIndex(x => new { x.Name, x.Seq }).HasDatabaseName("ix_resources_name");
            // The reconciler's queue: only unsettled rows are indexed, so it stays small however many VMs have settled.
            e.HasIndex(x => x.NextAttemptAtMs).HasFilter("settled = FALSE").HasDatabaseName("ix_resources_due");
        });
        modelBuilder.Entity<ResourceEventRow>(e =>
        {
            e.ToTable("resource_events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.ResourceId).HasColumnName("resource_id").HasMaxLength(64);
            e.Property(x => x.TimeMs).HasColumnName("time_ms");
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
            e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(64);
            e.Property(x => x.Message).HasColumnName("message");
            e.HasIndex(x => new { x.ResourceId, x.Id }).HasDatabaseName("ix_resource_events_resource");
        });
        modelBuilder.Entity<UsageRow>(e =>
        {
            e.ToTable("resource_usage");
            e.HasKey(x => new { x.ResourceId, x.HourStartMs });
            e.Property(x => x.ResourceId).HasColumnName("resource_id").HasMaxLength(64);
            e.Property(x => x.HourStartMs).HasColumnName("hour_start_ms");
            e.Property(x => x.TenantId).HasColumnName("tenant_id").HasMaxLength(63);
            e.Property(x => x.ProjectId).HasColumnName("project_id").HasMaxLength(63);
            e.Property(x => x.Seconds).HasColumnName("seconds");
            e.Property(x => x.VCpuSeconds).HasColumnName("vcpu_seconds");
            e.Property(x => x.RamMiBSeconds).HasColumnName("ram_mib_seconds");
            e.Property(x => x.DiskGiBSeconds).HasColumnName("disk_gib_seconds");
            // A concurrency token: two servers sealing the same hour cannot both win (the loser rolls back its entries).
            e.Property(x => x.AuditEntryId).HasColumnName("audit_entry_id").IsConcurrencyToken();
            // Covers the tenant's sealed entries for a period (invoice evidence, 720,000 rows a month for 1,000 VMs) without
            // a lookup per row.
            e.HasIndex(x => new { x.TenantId, x.HourStartMs, x.AuditEntryId }).HasDatabaseName("ix_resource_usage_tenant");
            e.HasIndex(x => new { x.AuditEntryId, x.HourStartMs }).HasDatabaseName("ix_resource_usage_unsealed");
        });
    }

    private static void Quotas<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> e)
        where T : class
    {
        e.Property<int>("QuotaVCpu").HasColumnName("quota_vcpu");
        e.Property<long>("QuotaRamMiB").HasColumnName("quota_ram_mib");
        e.Property<long>("QuotaDiskGiB").HasColumnName("quota_disk_gib");
        e.Property<int>("QuotaVms").HasColumnName("quota_vms");
        e.Property<int>("UsedVCpu").HasColumnName("used_vcpu").IsConcurrencyToken();
        e.Property<long>("UsedRamMiB").HasColumnName("used_ram_mib").IsConcurrencyToken();
        e.Property<long>("UsedDiskGiB").HasColumnName("used_disk_gib").IsConcurrencyToken();
        e.Property<int>("UsedVms").HasColumnName("used_vms").IsConcurrencyToken();
        e.Property<long>("CreatedAtMs").HasColumnName("created_at_ms");
    }
}
