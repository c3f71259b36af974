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
using Sankofa.Data.Billing;
using Arg = Sankofa.Data.Provisioning.ResourceWriter.Arg;

namespace Sankofa.Data.Provisioning;
/// <summary>Metered usage (<see cref="IUsageStore"/>).</summary>
internal sealed partial class ProvisioningStore
{
    public async Task<IReadOnlyList<Resource>> GetUnmeteredAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        // Metering stops at whole seconds (UsageMeter): a deletion at 12:20:05.300 is metered up to 12:20:05.
        var ms = now.ToUnixTimeMilliseconds();
        await using var db = contexts.Create();
        var rows = await db.Set<ResourceRow>().AsNoTracking()
            .Where(r => r.VerifiedAtMs != null && (r.MeteredUntilMs == null || r.MeteredUntilMs < (r.DeletedAtMs ?? ms) / 1000 * 1000))
            .OrderBy(r => r.Seq).Take(max).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToDomain)];
    }

    public async Task RecordUsageAsync(string resourceId, IReadOnlyList<UsageRecord> usage, DateTimeOffset? meteredFrom, DateTimeOffset meteredUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(usage);
        await WriteAsync(null, async db =>
        {
            var resource = await db.Set<ResourceRow>().FirstAsync(r => r.Id == resourceId, cancellationToken).ConfigureAwait(false);
            var until = meteredUntil.ToUnixTimeMilliseconds();
            if (resource.MeteredUntilMs != meteredFrom?.ToUnixTimeMilliseconds() || resource.MeteredUntilMs >= until)
            {
                return; // metered meanwhile (another round or server, or a resize at the old size): computed from a mark that moved
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
                row.VCpuSeconds += u.VCpuSeconds;
                row.RamMiBSeconds += u.RamMiBSeconds;
                row.DiskGiBSeconds += u.DiskGiBSeconds;
            }

            resource.MeteredUntilMs = until;
        }, $"usage of {resourceId}", cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> SealCompletedHoursAsync(int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        const long HourMs = 3_600_000;
        var sealedCount = 0;
        await WriteAsync(null, async db =>
        {
            // Complete: metered past the hour's end, or up to a deletion inside it (metering never adds to it again).
            var complete = await (
                from u in db.Set<UsageRow>()
                join r in db.Set<ResourceRow>() on u.ResourceId equals r.Id
                where u.AuditEntryId == null && r.MeteredUntilMs != null
                      && (u.HourStartMs + HourMs <= r.MeteredUntilMs || (r.DeletedAtMs != null && r.MeteredUntilMs >= r.DeletedAtMs / 1000 * 1000))
                orderby u.HourStartMs, u.TenantId, u.ResourceId
                select u).Take(max).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (complete.Count == 0)
            {
                return;
            }

            // One entry per tenant and hour (docs/billing.md), each row marked with the entry that states it.
            var rows = complete.ToDictionary(u => (u.ResourceId, u.HourStartMs));
            var seals = UsageSeal.Events(complete.Select(u => new UsageRecord(u.ResourceId, u.TenantId, u.ProjectId,
                DateTimeOffset.FromUnixTimeMilliseconds(u.HourStartMs), u.Seconds, u.VCpuSeconds, u.RamMiBSeconds, u.DiskGiBSeconds)));
            await TenantHourSealWrites.AddAsync(db, seals, AuditEntryOf, r => (r.TenantId, r.HourStart),
                (r, entry) => rows[(r.ResourceId, r.HourStart.ToUnixTimeMilliseconds())].AuditEntryId = entry, cancellationToken).ConfigureAwait(false);

            sealedCount = complete.Count;
        }, "usage seals", cancellationToken).ConfigureAwait(false);
        return sealedCount;
    }

    public async Task<IReadOnlyList<TenantUsage>> GetTenantUsageAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (fromMs, toMs) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        await using var db = contexts.Create();
        var rows = await (
            from u in db.Set<UsageRow>()
            join r in db.Set<ResourceRow>() on u.ResourceId equals r.Id
            where u.TenantId == tenantId && u.HourStartMs >= fromMs && u.HourStartMs < toMs
            group u by new { u.ResourceId, u.ProjectId, r.SiteId } into g
            select new
            {
                g.Key.ResourceId, g.Key.ProjectId, g.Key.SiteId, Seconds = g.Sum(u => u.Seconds), VCpu = g.Sum(u => u.VCpuSeconds), Ram = g.Sum(u => u.RamMiBSeconds),
                Disk = g.Sum(u => u.DiskGiBSeconds), Hours = g.Count(), Sealed = g.Count(u => u.AuditEntryId != null),
            }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.ProjectId, StringComparer.Ordinal).ThenBy(r => r.ResourceId, StringComparer.Ordinal)
            .Select(r => new TenantUsage(r.ResourceId, r.ProjectId, r.SiteId, r.Seconds, r.VCpu, r.Ram, r.Disk, r.Hours, r.Sealed))];
    }

    public async Task<IReadOnlyList<UsageRecord>> GetUsageAsync(string resourceId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.Set<UsageRow>().AsNoTracking().Where(u => u.ResourceId == resourceId).OrderBy(u => u.HourStartMs)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(u => new UsageRecord(u.ResourceId, u.TenantId, u.ProjectId, DateTimeOffset.FromUnixTimeMilliseconds(u.HourStartMs),
            u.Seconds, u.VCpuSeconds, u.RamMiBSeconds, u.DiskGiBSeconds))];
    }

    public async Task<IReadOnlyList<UsageHourTotal>> GetProjectUsageAsync(
        string tenantId, string projectId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (fromMs, toMs) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        await using var db = contexts.Create();
        var hours = await db.Set<UsageRow>().AsNoTracking()
            .Where(u => u.TenantId == tenantId && u.HourStartMs >= fromMs && u.HourStartMs < toMs && u.ProjectId == projectId)
            .GroupBy(u => u.HourStartMs)
            .Select(g => new { Hour = g.Key, Resources = g.Count(), Seconds = g.Sum(u => u.Seconds), VCpu = g.Sum(u => u.VCpuSeconds), Ram = g.Sum(u => u.RamMiBSeconds), Disk = g.Sum(u => u.DiskGiBSeconds) })
            .OrderBy(h => h.Hour)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. hours.Select(h => new UsageHourTotal(DateTimeOffset.FromUnixTimeMilliseconds(h.Hour), h.Resources, h.Seconds, h.VCpu / 3600.0, h.Ram / 1024.0 / 3600.0, h.Disk / 3600.0))];
    }
}
