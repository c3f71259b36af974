using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;
using Sankofa.Data.Audit;
using Arg = Sankofa.Data.Provisioning.ResourceWriter.Arg;

namespace Sankofa.Data.Provisioning;
/// <summary>Tenants and projects (<see cref="ITenantStore"/>, <see cref="IProjectStore"/>).</summary>
internal sealed partial class ProvisioningStore
{
    public Task CreateTenantAsync(Tenant tenant, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return WriteAsync(audit, db =>
        {
            db.Set<TenantRow>().Add(new TenantRow
            {
                Id = tenant.Id, Name = tenant.Name,
                QuotaVCpu = tenant.Quota.VCpu, QuotaRamMiB = tenant.Quota.RamMiB, QuotaDiskGiB = tenant.Quota.DiskGiB, QuotaVms = tenant.Quota.Vms,
                UsedVCpu = tenant.Usage.VCpu, UsedRamMiB = tenant.Usage.RamMiB, UsedDiskGiB = tenant.Usage.DiskGiB, UsedVms = tenant.Usage.Vms,
                CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            });
            return Task.CompletedTask;
        }, $"tenant {tenant.Id}", cancellationToken);
    }

    public async Task<Tenant?> GetTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.Set<TenantRow>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.Set<TenantRow>().AsNoTracking().OrderBy(t => t.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToDomain)];
    }

    public Task CreateProjectAsync(Project project, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(project);
        return WriteAsync(audit, db =>
        {
            db.Set<ProjectRow>().Add(new ProjectRow
            {
                Id = project.Id, TenantId = project.TenantId, Name = project.Name,
                QuotaVCpu = project.Quota.VCpu, QuotaRamMiB = project.Quota.RamMiB, QuotaDiskGiB = project.Quota.DiskGiB, QuotaVms = project.Quota.Vms,
                UsedVCpu = project.Usage.VCpu, UsedRamMiB = project.Usage.RamMiB, UsedDiskGiB = project.Usage.DiskGiB, UsedVms = project.Usage.Vms,
                CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            });
            return Task.CompletedTask;
        }, $"project {project.Id}", cancellationToken);
    }

    public async Task<Project?> GetProjectAsync(string projectId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.Set<ProjectRow>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == projectId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<IReadOnlyList<Project>> ListProjectsAsync(string? tenantId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var q = db.Set<ProjectRow>().AsNoTracking();
        if (tenantId is not null)
        {
            q = q.Where(p => p.TenantId == tenantId);
        }

        var rows = await q.OrderBy(p => p.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToDomain)];
    }
}
