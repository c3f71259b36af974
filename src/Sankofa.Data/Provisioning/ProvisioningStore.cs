using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sankofa.Core.Audit;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;
using Sankofa.Data.Audit;

namespace Sankofa.Data.Provisioning;

/// <summary>
/// EF Core implementation of <see cref="IProvisioningStore"/> for SQLite and PostgreSQL. Each mutation and its audit
/// entry are written by one SaveChanges in one transaction, so they commit together or not at all.
/// </summary>
internal sealed class ProvisioningStore(IStoreContextFactory contexts, TimeProvider time) : IProvisioningStore
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

    public async Task<Resource> CreateResourceAsync(Resource resource, Tenant tenant, Project project, NewResourceEvent firstEvent, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(firstEvent);
        ResourceRow? row = null;
        await WriteAsync(audit, async db =>
        {
            var tenantRow = await db.Set<TenantRow>().FirstOrDefaultAsync(t => t.Id == tenant.Id, cancellationToken).ConfigureAwait(false)
                            ?? throw new ProvisioningConflictException($"Tenant {tenant.Id} no longer exists.");
            var projectRow = await db.Set<ProjectRow>().FirstOrDefaultAsync(p => p.Id == project.Id, cancellationToken).ConfigureAwait(false)
                             ?? throw new ProvisioningConflictException($"Project {project.Id} no longer exists.");
            // The new usage is the usage the quota decision was made on plus the reservation; if the stored usage moved
            // meanwhile, the concurrency tokens make SaveChanges fail and the caller decides again.
            var reserved = ResourceTotals.ForVms(resource.Spec.Size);
            SetOriginalUsage(db, tenantRow, tenant.Usage - reserved);
            SetOriginalUsage(db, projectRow, project.Usage - reserved);
            SetUsage(tenantRow, tenant.Usage);
            SetUsage(projectRow, project.Usage);
            row = new ResourceRow
            {
                Id = resource.Id, TenantId = resource.TenantId, ProjectId = resource.ProjectId, Name = resource.Name,
                VCpu = resource.Spec.VCpu, RamMiB = resource.Spec.RamMiB, DiskGiB = resource.Spec.DiskGiB, Template = resource.Spec.Template,
                SshKeys = string.Join('\n', resource.Spec.SshKeys), CloudInitUser = resource.Spec.CloudInitUser, SpecHash = resource.SpecHash,
                Desired = string.Empty, Status = string.Empty, SiteId = string.Empty, HostId = string.Empty, PlacementJson = string.Empty,
                CreatedAtMs = resource.CreatedAt.ToUnixTimeMilliseconds(), IdempotencyKey = resource.IdempotencyKey,
            };
            Apply(row, resource);
            db.Set<ResourceRow>().Add(row);
            db.Set<ResourceEventRow>().Add(Event(resource, firstEvent));
        }, $"resource {resource.Id}", cancellationToken).ConfigureAwait(false);
        return ToDomain(row!);
    }

    public async Task<Resource> UpdateResourceAsync(Resource updated, NewResourceEvent? resourceEvent, AuditEvent? audit, ResourceTotals? release, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ResourceRow? row = null;
        await WriteAsync(audit, async db =>
        {
            row = await db.Set<ResourceRow>().FirstOrDefaultAsync(r => r.Id == updated.Id, cancellationToken).ConfigureAwait(false)
                  ?? throw new ProvisioningConflictException($"Resource {updated.Id} does not exist.");
            if (row.Version != updated.Version)
            {
                throw new ProvisioningConflictException($"Resource {updated.Id} changed meanwhile (version {row.Version}, not {updated.Version}).");
            }

            Apply(row, updated);
            row.Version = updated.Version + 1;
            if (resourceEvent is not null)
            {
                db.Set<ResourceEventRow>().Add(Event(updated, resourceEvent));
            }

            if (release is { } give)
            {
                var tenantRow = await db.Set<TenantRow>().FirstAsync(t => t.Id == updated.TenantId, cancellationToken).ConfigureAwait(false);
                var projectRow = await db.Set<ProjectRow>().FirstAsync(p => p.Id == updated.ProjectId, cancellationToken).ConfigureAwait(false);
                var (tenant, project) = QuotaPolicy.Release(ToDomain(tenantRow), ToDomain(projectRow), give);
                SetUsage(tenantRow, tenant.Usage);
                SetUsage(projectRow, project.Usage);
            }
        }, $"resource {updated.Id}", cancellationToken).ConfigureAwait(false);
        return ToDomain(row!);
    }

    public async Task<Resource?> GetResourceAsync(string resourceId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.Set<ResourceRow>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == resourceId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<Resource?> FindByIdempotencyKeyAsync(string projectId, string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.Set<ResourceRow>().AsNoTracking()
            .FirstOrDefaultAsync(r => r.ProjectId == projectId && r.IdempotencyKey == idempotencyKey, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<ResourcePage> ListResourcesAsync(ResourceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = contexts.Create();
        var q = db.Set<ResourceRow>().AsNoTracking();
        if (query.TenantId is not null)
        {
            q = q.Where(r => r.TenantId == query.TenantId);
        }

        if (query.ProjectId is not null)
        {
            q = q.Where(r => r.ProjectId == query.ProjectId);
        }

        if (query.Status is { } status)
        {
            var s = status.ToString();
            q = q.Where(r => r.Status == s);
        }

        if (query.SiteId is not null)
        {
            q = q.Where(r => r.SiteId == query.SiteId);
        }

        if (query.Before is { } before)
        {
            q = q.Where(r => r.Seq < before);
        }

        var rows = await q.OrderByDescending(r => r.Seq).Take(query.Limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        var items = rows.Take(query.Limit).Select(ToDomain).ToList();
        return new ResourcePage(items, rows.Count > query.Limit ? items[^1].Sequence : null);
    }

    public async Task<IReadOnlyList<ResourceEvent>> GetEventsAsync(string resourceId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.Set<ResourceEventRow>().AsNoTracking().Where(e => e.ResourceId == resourceId).OrderBy(e => e.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(e => new ResourceEvent(e.Id, e.ResourceId, DateTimeOffset.FromUnixTimeMilliseconds(e.TimeMs), Enum.Parse<ResourceStatus>(e.Status), e.Kind, e.Message))];
    }

    public async Task<IReadOnlyList<Resource>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var ms = now.ToUnixTimeMilliseconds();
        await using var db = contexts.Create();
        var rows = await db.Set<ResourceRow>().AsNoTracking().Where(r => !r.Settled && r.NextAttemptAtMs <= ms).OrderBy(r => r.NextAttemptAtMs).Take(max)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToDomain)];
    }

    public async Task<IReadOnlyList<HostAllocation>> GetAllocationsAsync(CancellationToken cancellationToken)
    {
        var released = new[] { nameof(ResourceStatus.Deleted), nameof(ResourceStatus.Failed) };
        await using var db = contexts.Create();
        var rows = await db.Set<ResourceRow>().AsNoTracking().Where(r => !released.Contains(r.Status))
            .Select(r => new { r.HostId, r.VCpu, r.RamMiB, r.DiskGiB, r.AntiAffinityGroup }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new HostAllocation(r.HostId, new ComputeResources(r.VCpu, r.RamMiB, r.DiskGiB), r.AntiAffinityGroup))];
    }

    public async Task<IReadOnlyList<Resource>> GetUnmeteredAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var ms = now.ToUnixTimeMilliseconds();
        await using var db = contexts.Create();
        var rows = await db.Set<ResourceRow>().AsNoTracking()
            .Where(r => r.VerifiedAtMs != null && (r.MeteredUntilMs == null || r.MeteredUntilMs < (r.DeletedAtMs ?? ms)))
            .OrderBy(r => r.Seq).Take(max).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToDomain)];
    }

    public async Task RecordUsageAsync(string resourceId, IReadOnlyList<UsageRecord> usage, DateTimeOffset meteredUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(usage);
        await WriteAsync(null, async db =>
        {
            var resource = await db.Set<ResourceRow>().FirstAsync(r => r.Id == resourceId, cancellationToken).ConfigureAwait(false);
            var until = meteredUntil.ToUnixTimeMilliseconds();
            if (resource.MeteredUntilMs is { } already && already >= until)
            {
                return; // metered already (another round or server got here first)
            }

            var hours = usage.Select(u => u.HourStart.ToUnixTimeMilliseconds()).ToList();
            var existing = await db.Set<UsageRow>().Where(u => u.ResourceId == resourceId && hours.Contains(u.HourStartMs))
                .ToDictionaryAsync(u => u.HourStartMs, cancellationToken).ConfigureAwait(false);
            foreach (var u in usage)
            {
                var hour = u.HourStart.ToUnixTimeMilliseconds();
                if (!existing.TryGetValue(hour, out var row))
                {
                    row = new UsageRow { ResourceId = resourceId, HourStartMs = hour, TenantId = u.TenantId, ProjectId = u.ProjectId };
                    db.Set<UsageRow>().Add(row);
                    existing[hour] = row;
                }

                row.Seconds += u.Seconds;
                row.VCpuHours += u.VCpuHours;
                row.RamGbHours += u.RamGbHours;
                row.DiskGbHours += u.DiskGbHours;
            }

            resource.MeteredUntilMs = until;
        }, $"usage of {resourceId}", cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UsageRecord>> GetUsageAsync(string resourceId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.Set<UsageRow>().AsNoTracking().Where(u => u.ResourceId == resourceId).OrderBy(u => u.HourStartMs)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(u => new UsageRecord(u.ResourceId, u.TenantId, u.ProjectId, DateTimeOffset.FromUnixTimeMilliseconds(u.HourStartMs),
            u.Seconds, u.VCpuHours, u.RamGbHours, u.DiskGbHours))];
    }

    /// <summary>Runs a mutation and writes its audit entry with one SaveChanges in one transaction, mapping lost races and taken keys to <see cref="ProvisioningConflictException"/>.</summary>
    private async Task WriteAsync(AuditEvent? audit, Func<SankofaDbContext, Task> mutate, string what, CancellationToken cancellationToken)
    {
        NewAuditEntry? entry = null;
        if (audit is not null)
        {
            var errors = AuditEventRules.Validate(audit);
            if (errors.Count > 0)
            {
                throw new AuditValidationException(errors);
            }

            entry = new NewAuditEntry(time.GetUtcNow(), audit.Actor, audit.Action, audit.Subject, audit.Payload, AuditHashing.PayloadHash(audit.Payload));
        }

        using var turn = await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await mutate(db).ConfigureAwait(false);
        if (entry is not null)
        {
            db.AuditEntries.Add(new AuditEntryRow
            {
                TimeMs = entry.Time.ToUnixTimeMilliseconds(), Actor = entry.Actor, Action = entry.Action, Subject = entry.Subject,
                Payload = entry.Payload, PayloadHash = entry.PayloadHash,
            });
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException ex)
        {
            throw new ProvisioningConflictException($"{what} changed meanwhile.", ex);
        }
        catch (DbUpdateException ex) when (IsUniqueViolation(ex))
        {
            throw new ProvisioningConflictException($"{what} exists already.", ex);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool IsUniqueViolation(DbUpdateException ex) => ex.InnerException switch
    {
        SqliteException s => s.SqliteErrorCode == 19, // SQLITE_CONSTRAINT
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    private static void SetOriginalUsage(SankofaDbContext db, object row, ResourceTotals usage)
    {
        var entry = db.Entry(row);
        entry.Property("UsedVCpu").OriginalValue = usage.VCpu;
        entry.Property("UsedRamMiB").OriginalValue = usage.RamMiB;
        entry.Property("UsedDiskGiB").OriginalValue = usage.DiskGiB;
        entry.Property("UsedVms").OriginalValue = usage.Vms;
    }

    private static void SetUsage(TenantRow row, ResourceTotals usage) =>
        (row.UsedVCpu, row.UsedRamMiB, row.UsedDiskGiB, row.UsedVms) = (usage.VCpu, usage.RamMiB, usage.DiskGiB, usage.Vms);

    private static void SetUsage(ProjectRow row, ResourceTotals usage) =>
        (row.UsedVCpu, row.UsedRamMiB, row.UsedDiskGiB, row.UsedVms) = (usage.VCpu, usage.RamMiB, usage.DiskGiB, usage.Vms);

    private ResourceEventRow Event(Resource resource, NewResourceEvent e) => new()
    {
        ResourceId = resource.Id, TimeMs = time.GetUtcNow().ToUnixTimeMilliseconds(), Status = resource.Status.ToString(), Kind = e.Kind, Message = e.Message,
    };

    /// <summary>Copies the mutable state of a resource onto its row; the metered-until mark only moves through <see cref="RecordUsageAsync"/> once set.</summary>
    private static void Apply(ResourceRow row, Resource r)
    {
        row.Desired = r.Desired.ToString();
        row.Status = r.Status.ToString();
        row.Settled = r.IsSettled;
        row.FailureReason = r.FailureReason;
        row.SiteId = r.Placement.SiteId;
        row.HostId = r.Placement.HostId;
        row.AntiAffinityGroup = r.Placement.AntiAffinityGroup;
        row.PlacementJson = JsonSerializer.Serialize(r.Placement);
        row.VmNode = r.Vm?.Node;
        row.VmId = r.Vm?.VmId;
        row.Attempts = r.Attempts;
        row.NextAttemptAtMs = r.NextAttemptAt.ToUnixTimeMilliseconds();
        row.UpdatedAtMs = r.UpdatedAt.ToUnixTimeMilliseconds();
        row.VerifiedAtMs = r.VerifiedAt?.ToUnixTimeMilliseconds();
        row.DeletedAtMs = r.DeletedAt?.ToUnixTimeMilliseconds();
        row.MeteredUntilMs ??= r.MeteredUntil?.ToUnixTimeMilliseconds();
    }

    private static Resource ToDomain(ResourceRow r) => new(
        r.Id,
        r.Seq,
        r.TenantId,
        r.ProjectId,
        r.Name,
        new ResourceSpec(r.VCpu, r.RamMiB, r.DiskGiB, r.Template, r.SshKeys.Length == 0 ? [] : r.SshKeys.Split('\n'), r.CloudInitUser),
        r.SpecHash,
        Enum.Parse<DesiredState>(r.Desired),
        Enum.Parse<ResourceStatus>(r.Status),
        r.FailureReason,
        JsonSerializer.Deserialize<PlacementExplanation>(r.PlacementJson)!,
        r.VmNode is { } node && r.VmId is { } vmId ? new Core.Provisioning.VirtualMachineRef(node, vmId) : null,
        r.Attempts,
        DateTimeOffset.FromUnixTimeMilliseconds(r.NextAttemptAtMs),
        DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAtMs),
        DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAtMs),
        r.VerifiedAtMs is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null,
        r.DeletedAtMs is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null,
        r.MeteredUntilMs is { } m ? DateTimeOffset.FromUnixTimeMilliseconds(m) : null,
        r.IdempotencyKey,
        r.Version);

    private static Tenant ToDomain(TenantRow t) => new(t.Id, t.Name,
        new ResourceTotals(t.QuotaVCpu, t.QuotaRamMiB, t.QuotaDiskGiB, t.QuotaVms),
        new ResourceTotals(t.UsedVCpu, t.UsedRamMiB, t.UsedDiskGiB, t.UsedVms));

    private static Project ToDomain(ProjectRow p) => new(p.Id, p.TenantId, p.Name,
        new ResourceTotals(p.QuotaVCpu, p.QuotaRamMiB, p.QuotaDiskGiB, p.QuotaVms),
        new ResourceTotals(p.UsedVCpu, p.UsedRamMiB, p.UsedDiskGiB, p.UsedVms));
}
