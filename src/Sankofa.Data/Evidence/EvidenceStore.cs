using Microsoft.EntityFrameworkCore;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.Evidence;
using Sankofa.Data.Audit;
using Sankofa.Data.Provisioning;

namespace Sankofa.Data.Evidence;

/// <summary>EF Core implementation of <see cref="IEvidenceStore"/>.</summary>
internal sealed class EvidenceStore(IStoreContextFactory contexts, TimeProvider time) : IEvidenceStore
{
    public async Task<AuditPeriodFacts> ReadAuditAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (fromMs, toMs) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        await using var db = contexts.Create();
        var inPeriod = db.AuditEntries.AsNoTracking().Where(e => e.TimeMs >= fromMs && e.TimeMs < toMs);
        var byAction = await inPeriod.GroupBy(e => e.Action).Select(g => new { Action = g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(g => g.Action, g => g.Count, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        var unsealed = await inPeriod.LongCountAsync(e => e.Seal == null, cancellationToken).ConfigureAwait(false);
        var batchIds = await inPeriod.Where(e => e.Seal != null).Select(e => e.Seal!.BatchId).Distinct()
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var batches = new List<AuditBatch>(batchIds.Count);
        foreach (var chunk in batchIds.Chunk(1000))
        {
            var rows = await db.AuditBatches.AsNoTracking().Where(b => chunk.Contains(b.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
            batches.AddRange(rows.Select(AuditStore.ToDomain));
        }

        return new AuditPeriodFacts(byAction.Values.Sum(), unsealed, byAction, [.. batches.OrderBy(b => b.Id)]);
    }

    public async Task<EvidenceRun?> FindLatestAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (fromMs, toMs) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        await using var db = contexts.Create();
        return await Runs(db).Where(r => r.FromMs == fromMs && r.ToMs == toMs).OrderByDescending(r => r.Attempt).Select(Summary)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) is { } row ? ToDomain(row) : null;
    }

    public async Task<EvidenceRun> AddAsync(DateTimeOffset from, DateTimeOffset to, Func<long, int, EvidenceRunContent> build, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        var (fromMs, toMs) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        using var turn = await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var id = (await Runs(db).MaxAsync(r => (long?)r.Id, cancellationToken).ConfigureAwait(false) ?? 0) + 1;
        var attempt = (await Runs(db).Where(r => r.FromMs == fromMs && r.ToMs == toMs).MaxAsync(r => (int?)r.Attempt, cancellationToken).ConfigureAwait(false) ?? 0) + 1;
        var content = build(id, attempt);
        var entry = AuditEntryRow.From(AuditedWrite.EntryOf(content.Audit, time));
        db.AuditEntries.Add(entry);
        var row = new EvidenceRunRow
        {
            Id = id, Attempt = attempt, FromMs = fromMs, ToMs = toMs, CreatedAtMs = content.CreatedAt.ToUnixTimeMilliseconds(), CreatedBy = content.CreatedBy,
            PackageSha256 = content.PackageSha256, Package = content.Package, Report = content.Report,
            Passed = content.Summary.Pass, Failed = content.Summary.Fail, NotApplicable = content.Summary.NotApplicable, Manual = content.Summary.Manual,
        };
        try
        {
            // The entry first, for its id; the run then points at it, all in this transaction.
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            row.AuditEntryId = entry.Id;
            db.Set<EvidenceRunRow>().Add(row);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException ex) when (ProvisioningStore.IsUniqueViolation(ex.InnerException))
        {
            throw new StoreConflictException($"Evidence run {id} (attempt {attempt} of its period) exists already: another run was made meanwhile.", ex);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ToDomain(new RunSummary(id, attempt, fromMs, toMs, row.CreatedAtMs, row.CreatedBy, row.PackageSha256, row.AuditEntryId,
            row.Passed, row.Failed, row.NotApplicable, row.Manual));
    }

    public async Task<EvidenceRunPage> ListAsync(long? before, int limit, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var query = Runs(db);
        if (before is { } cursor)
        {
            query = query.Where(r => r.Id < cursor);
        }

        var rows = await query.OrderByDescending(r => r.Id).Take(limit + 1).Select(Summary).ToListAsync(cancellationToken).ConfigureAwait(false);
        var items = rows.Take(limit).Select(ToDomain).ToList();
        return new EvidenceRunPage(items, rows.Count > limit ? items[^1].Id : null);
    }

    public async Task<EvidenceRun?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        return await Runs(db).Where(r => r.Id == id).Select(Summary).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) is { } row ? ToDomain(row) : null;
    }

    public async Task<byte[]?> GetPackageAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        return await Runs(db).Where(r => r.Id == id).Select(r => r.Package).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]?> GetReportAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        return await Runs(db).Where(r => r.Id == id).Select(r => r.Report).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    private static IQueryable<EvidenceRunRow> Runs(SankofaDbContext db) => db.Set<EvidenceRunRow>().AsNoTracking();

    // Lists and lookups leave the package and report bytes in the table.
    private static readonly System.Linq.Expressions.Expression<Func<EvidenceRunRow, RunSummary>> Summary = r => new RunSummary(
        r.Id, r.Attempt, r.FromMs, r.ToMs, r.CreatedAtMs, r.CreatedBy, r.PackageSha256, r.AuditEntryId, r.Passed, r.Failed, r.NotApplicable, r.Manual);

    private static EvidenceRun ToDomain(RunSummary r) => new(
        r.Id, r.Attempt, DateTimeOffset.FromUnixTimeMilliseconds(r.FromMs), DateTimeOffset.FromUnixTimeMilliseconds(r.ToMs),
        DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAtMs), r.CreatedBy, r.PackageSha256, r.AuditEntryId,
        new EvidenceSummary(r.Passed, r.Failed, r.NotApplicable, r.Manual));

    private sealed record RunSummary(
        long Id, int Attempt, long FromMs, long ToMs, long CreatedAtMs, string CreatedBy, byte[] PackageSha256, long AuditEntryId,
        int Passed, int Failed, int NotApplicable, int Manual);
}
