using Microsoft.EntityFrameworkCore;
using Sankofa.Core.Billing;
using Sankofa.Core.Provisioning;
using Sankofa.Data.Audit;
using Sankofa.Data.Provisioning;

namespace Sankofa.Data.Billing;

/// <summary>EF Core implementation of <see cref="IAvailabilityStore"/> for SQLite and PostgreSQL.</summary>
internal sealed class AvailabilityStore(IStoreContextFactory contexts, TimeProvider time) : IAvailabilityStore
{
    private const long HourMs = 3_600_000;
    private static readonly string Verified = nameof(ResourceStatus.Verified);
    private static readonly string Present = nameof(DesiredState.Present);

    public async Task<IReadOnlyList<AvailabilitySubject>> GetMeasurableAsync(long afterSequence, int max, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var open = db.Set<DownIntervalRow>().Where(i => i.EndMs == null);
        var rows = await (
            from r in db.Set<ResourceRow>()
            join m in db.Set<AvailabilityMarkRow>() on r.Id equals m.ResourceId into marks
            from m in marks.DefaultIfEmpty()
            where r.Seq > afterSequence && r.VerifiedAtMs != null && (r.DeletedAtMs == null || open.Any(i => i.ResourceId == r.Id))
            orderby r.Seq
            select new
            {
                r.Id, r.Seq, r.TenantId, r.ProjectId, r.SiteId, r.Status, r.Desired, r.DeletedAtMs, VerifiedAtMs = r.VerifiedAtMs!.Value,
                Until = (long?)m.MeasuredUntilMs, DownSince = open.Where(i => i.ResourceId == r.Id).Select(i => (long?)i.StartMs).FirstOrDefault(),
            }).Take(max).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new AvailabilitySubject(r.Id, r.Seq, r.TenantId, r.ProjectId, r.SiteId,
            r.Status == Verified && r.Desired == Present && r.DeletedAtMs == null, DateTimeOffset.FromUnixTimeMilliseconds(r.VerifiedAtMs),
            Instant(r.Until), Instant(r.DownSince)))];
    }

    public async Task<bool> RecordAsync(AvailabilityStep step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        var recorded = false;
        await AuditedWrite.RunAsync(contexts, time, null, async db =>
        {
            var (fromMs, untilMs) = (step.MeasuredFrom?.ToUnixTimeMilliseconds(), step.MeasuredUntil.ToUnixTimeMilliseconds());
            var mark = await db.Set<AvailabilityMarkRow>().FirstOrDefaultAsync(m => m.ResourceId == step.ResourceId, cancellationToken).ConfigureAwait(false);
            if (mark?.MeasuredUntilMs != fromMs || untilMs <= fromMs)
            {
                return false; // measured meanwhile (another round or server): computed from a mark that moved
            }

            if (mark is null)
            {
                db.Add(new AvailabilityMarkRow { ResourceId = step.ResourceId, MeasuredUntilMs = untilMs });
            }
            else
            {
                mark.MeasuredUntilMs = untilMs;
            }

            var hours = step.Hours.Select(h => h.HourStart.ToUnixTimeMilliseconds()).ToList();
            var existing = await db.Set<AvailabilityRow>().Where(a => a.ResourceId == step.ResourceId && hours.Contains(a.HourStartMs))
                .ToDictionaryAsync(a => a.HourStartMs, cancellationToken).ConfigureAwait(false);
            foreach (var h in step.Hours)
            {
                var hour = h.HourStart.ToUnixTimeMilliseconds();
                if (!existing.TryGetValue(hour, out var row))
                {
                    row = new AvailabilityRow { ResourceId = h.ResourceId, HourStartMs = hour, TenantId = h.TenantId, ProjectId = h.ProjectId };
                    db.Add(row);
                    existing[hour] = row;
                }

                row.ExpectedSeconds += h.ExpectedSeconds;
                row.DownSeconds += h.DownSeconds;
            }

            if (step.CloseDownAt is { } close
                && await db.Set<DownIntervalRow>().FirstOrDefaultAsync(i => i.ResourceId == step.ResourceId && i.EndMs == null, cancellationToken).ConfigureAwait(false) is { } interval)
            {
                var endMs = close.ToUnixTimeMilliseconds();
                if (endMs <= interval.StartMs)
                {
                    db.Remove(interval); // it ended where it began: no time was counted down
                }
                else
                {
                    interval.EndMs = endMs;
                }
            }

            if (step.OpenDownAt is { } opened)
            {
                db.Add(new DownIntervalRow { ResourceId = step.ResourceId, StartMs = opened.ToUnixTimeMilliseconds(), TenantId = step.TenantId });
            }

            recorded = true;
            return true;
        }, $"Availability of {step.ResourceId}", cancellationToken).ConfigureAwait(false);
        return recorded;
    }

    public async Task<int> SealCompletedHoursAsync(int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var sealedCount = 0;
        await AuditedWrite.RunAsync(contexts, time, null, async db =>
        {
            // Complete: measured past the hour's end, or the resource is deleted (nothing is added to its hours again).
            var complete = await (
                from a in db.Set<AvailabilityRow>()
                join m in db.Set<AvailabilityMarkRow>() on a.ResourceId equals m.ResourceId
                join r in db.Set<ResourceRow>() on a.ResourceId equals r.Id
                where a.AuditEntryId == null && (a.HourStartMs + HourMs <= m.MeasuredUntilMs || r.DeletedAtMs != null)
                orderby a.HourStartMs, a.TenantId, a.ResourceId
                select a).Take(max).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (complete.Count == 0)
            {
                return false;
            }

            // One entry per tenant and hour (docs/billing.md), each row marked with the entry that states it.
            var rows = complete.ToDictionary(a => (a.ResourceId, a.HourStartMs));
            await TenantHourSealWrites.AddAsync(db, AvailabilitySeal.Events(complete.Select(ToDomain)), e => AuditedWrite.EntryOf(e, time),
                h => (h.TenantId, h.HourStart), (h, entry) => rows[(h.ResourceId, h.HourStart.ToUnixTimeMilliseconds())].AuditEntryId = entry,
                cancellationToken).ConfigureAwait(false);

            sealedCount = complete.Count;
            return true;
        }, "availability seals", cancellationToken).ConfigureAwait(false);
        return sealedCount;
    }

    public async Task<IReadOnlyList<TenantAvailability>> GetTenantAvailabilityAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var (fromMs, toMs) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        await using var db = contexts.Create();
        var rows = await db.Set<AvailabilityRow>()
            .Where(a => a.TenantId == tenantId && a.HourStartMs >= fromMs && a.HourStartMs < toMs)
            .GroupBy(a => new { a.ResourceId, a.ProjectId })
            .Select(g => new
            {
                g.Key.ResourceId, g.Key.ProjectId, Expected = g.Sum(a => a.ExpectedSeconds), Down = g.Sum(a => a.DownSeconds), Hours = g.Count(),
                Sealed = g.Count(a => a.AuditEntryId != null),
            }).ToListAsync(ct).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.ResourceId, StringComparer.Ordinal)
            .Select(r => new TenantAvailability(r.ResourceId, r.ProjectId, r.Expected, r.Down, r.Hours, r.Sealed))];
    }

    public async Task<IReadOnlyList<DownInterval>> GetDownIntervalsAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (fromMs, toMs) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        await using var db = contexts.Create();
        var rows = await db.Set<DownIntervalRow>().AsNoTracking()
            .Where(i => i.TenantId == tenantId && i.StartMs < toMs && (i.EndMs == null || i.EndMs > fromMs))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderBy(i => i.ResourceId, StringComparer.Ordinal).ThenBy(i => i.StartMs)
            .Select(i => new DownInterval(i.ResourceId, DateTimeOffset.FromUnixTimeMilliseconds(i.StartMs), Instant(i.EndMs)))];
    }

    public async Task<IReadOnlyDictionary<string, string>> GetSitesAsync(IReadOnlyCollection<string> resourceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resourceIds);
        var ids = resourceIds.ToList();
        await using var db = contexts.Create();
        return await db.Set<ResourceRow>().Where(r => ids.Contains(r.Id)).Select(r => new { r.Id, r.SiteId })
            .ToDictionaryAsync(r => r.Id, r => r.SiteId, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
    }

    private static AvailabilityHour ToDomain(AvailabilityRow a) =>
        new(a.ResourceId, a.TenantId, a.ProjectId, DateTimeOffset.FromUnixTimeMilliseconds(a.HourStartMs), a.ExpectedSeconds, a.DownSeconds);

    private static DateTimeOffset? Instant(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}
