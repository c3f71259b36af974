using Sankofa.Core.Audit;
using Sankofa.Data.Audit;

namespace Sankofa.Data.Billing;

/// <summary>How the usage and availability stores write sealed hours (docs/billing.md), in one place.</summary>
internal static class TenantHourSealWrites
{
    /// <summary>
    /// Appends each seal's audit entry, then marks every hour it states with the entry's id and lists the entry in
    /// <c>tenant_hour_seals</c> by its tenant and hour — all in <paramref name="db"/>'s transaction.
    /// </summary>
    public static async Task AddAsync<T>(
        SankofaDbContext db, IReadOnlyList<SealedHours<T>> seals, Func<AuditEvent, NewAuditEntry> entryOf,
        Func<T, (string Tenant, DateTimeOffset Hour)> tenantHour, Action<T, long> mark, CancellationToken cancellationToken)
    {
        var entries = seals.Select(s => AuditEntryRow.From(entryOf(s.Event))).ToList();
        db.AuditEntries.AddRange(entries);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false); // the entries' ids, for the marks
        for (var i = 0; i < seals.Count; i++)
        {
            foreach (var record in seals[i].Records)
            {
                mark(record, entries[i].Id);
            }

            var (tenant, hour) = tenantHour(seals[i].Records[0]);
            db.Set<TenantHourSealRow>().Add(new() { EntryId = entries[i].Id, TenantId = tenant, HourStartMs = hour.ToUnixTimeMilliseconds() });
        }
    }
}
