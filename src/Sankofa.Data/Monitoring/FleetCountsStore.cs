using Microsoft.EntityFrameworkCore;
using Sankofa.Core.Monitoring;
using Sankofa.Core.Provisioning;
using Sankofa.Data.Identity;
using Sankofa.Data.Provisioning;

namespace Sankofa.Data.Monitoring;

/// <summary>
/// The counts behind the server's gauges, in three queries on one connection: resources grouped by status and site,
/// the reconciler's due work (the partial index of unsettled resources) and the pending identity steps (their
/// partial index).
/// </summary>
internal sealed class FleetCountsStore(IStoreContextFactory contexts) : IFleetCounts
{
    public async Task<FleetCounts> CountAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var db = contexts.Create();
        var groups = await db.Set<ResourceRow>().AsNoTracking()
            .GroupBy(r => new { r.Status, r.SiteId })
            .Select(g => new { g.Key.Status, g.Key.SiteId, Count = g.LongCount() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        // Spelled "settled = FALSE" like the partial index ix_resources_due (as ClaimDueAsync does): EF's NOT settled is
        // not matched to it by SQLite, which then counts by a scan of every resource.
        var due = await db.Database.SqlQueryRaw<DueRow>(
                "SELECT COUNT(*) AS \"Count\", MIN(next_attempt_at_ms) AS \"Oldest\" FROM resources WHERE settled = FALSE AND next_attempt_at_ms <= {0}", nowMs)
            .SingleAsync(cancellationToken).ConfigureAwait(false);
        var steps = await db.Set<AccountChainStepRow>().AsNoTracking()
            .LongCountAsync(s => s.State == "pending", cancellationToken).ConfigureAwait(false);
        var resources = groups
            .Select(g => Enum.TryParse<ResourceStatus>(g.Status, out var status) ? new ResourceCount(status, g.SiteId, g.Count) : null)
            .OfType<ResourceCount>()
            .ToList();
        return new FleetCounts(
            resources, due.Count, due.Oldest is { } oldest ? DateTimeOffset.FromUnixTimeMilliseconds(oldest) : null, steps);
    }

    private sealed class DueRow
    {
        public long Count { get; set; }

        public long? Oldest { get; set; }
    }
}
