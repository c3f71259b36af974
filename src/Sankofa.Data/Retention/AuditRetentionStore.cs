using Microsoft.EntityFrameworkCore;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.Retention;
using Sankofa.Data.Audit;

namespace Sankofa.Data.Retention;

/// <summary>EF Core implementation of <see cref="IAuditRetentionStore"/>: removes whole batches of entries, keeps their batch rows.</summary>
internal sealed class AuditRetentionStore(IStoreContextFactory contexts, TimeProvider time) : IAuditRetentionStore
{
    // Batches looked at per plan; an archive of more waits for the next run.
    private const int MaxBatchesPerPlan = 4096;

    public async Task<AuditRemovalPlan?> PlanRemovalAsync(DateTimeOffset before, int maxEntries, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var beforeMs = before.ToUnixTimeMilliseconds();
        var first = await db.AuditSeals.MinAsync(s => (long?)s.BatchId, cancellationToken).ConfigureAwait(false);
        if (first is not { } firstBatch)
        {
            return null;
        }

        var candidates = await db.AuditBatches.AsNoTracking().Where(b => b.Id >= firstBatch).OrderBy(b => b.Id).Take(MaxBatchesPerPlan)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var lastCandidate = candidates.Count == 0 ? firstBatch : candidates[^1].Id;
        var stats = await db.AuditSeals.AsNoTracking().Where(s => s.BatchId >= firstBatch && s.BatchId <= lastCandidate)
            .GroupBy(s => s.BatchId)
            .Select(g => new { BatchId = g.Key, Newest = g.Max(s => s.Entry.TimeMs), Count = g.Count() })
            .ToDictionaryAsync(s => s.BatchId, cancellationToken).ConfigureAwait(false);

        // Whole batches only, consecutive from the oldest: a batch is removed with all its leaves or not at all, so every
        // root on chain covers entries that are either all hot or all archived.
        var chosen = new List<AuditBatchRow>();
        var entries = 0;
        var expected = firstBatch;
        foreach (var batch in candidates)
        {
            if (batch.Id != expected || batch.AnchorBlock is null || !stats.TryGetValue(batch.Id, out var s)
                || s.Newest >= beforeMs || s.Count != batch.Count || (chosen.Count > 0 && entries + batch.Count > maxEntries))
            {
                break;
            }

            chosen.Add(batch);
            entries += batch.Count;
            expected++;
        }

        if (chosen.Count == 0)
        {
            return null;
        }

        var lastBatch = chosen[^1].Id;
        var rows = await db.AuditEntries.AsNoTracking().Include(e => e.Seal).Where(e => e.Seal!.BatchId >= firstBatch && e.Seal.BatchId <= lastBatch)
            .OrderBy(e => e.Seal!.Sequence)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var previous = await db.Set<AuditRemovalRow>().AsNoTracking().OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return new AuditRemovalPlan(
            [.. chosen.Select(AuditStore.ToDomain)], [.. rows.Select(AuditStore.ToDomain)],
            previous is null ? null : BoundaryOf(previous), (previous?.Id ?? 0) + 1);
    }

    public async Task CommitRemovalAsync(AuditRemoval removal, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(removal);
        var entry = AuditedWrite.EntryOf(audit, time);
        using var turn = await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (db.Database.IsNpgsql())
        {
            // The sealer reads the chain head under this lock; it must not read it while the head's entries leave.
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AuditStore.SealerLockKey})", cancellationToken).ConfigureAwait(false);
        }

        var firstHot = await db.AuditSeals.MinAsync(s => (long?)s.Sequence, cancellationToken).ConfigureAwait(false);
        if (firstHot != removal.FirstSequence)
        {
            throw new StoreConflictException($"The hot audit log now starts at sequence {firstHot}, not {removal.FirstSequence}: another removal ran meanwhile.");
        }

        var deleted = await db.AuditEntries.Where(e => e.Seal!.Sequence >= removal.FirstSequence && e.Seal.Sequence <= removal.LastSequence)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await db.AuditSeals.Where(s => s.Sequence >= removal.FirstSequence && s.Sequence <= removal.LastSequence)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (deleted != removal.EntryCount)
        {
            throw new StoreConflictException($"Sequences {removal.FirstSequence}..{removal.LastSequence} held {deleted} entries, not {removal.EntryCount}.");
        }

        db.Set<AuditRemovalRow>().Add(new AuditRemovalRow
        {
            Id = removal.Id,
            Kind = removal.Kind == AuditRemovalKind.Archived ? "archived" : "deleted",
            CreatedAtMs = removal.CreatedAt.ToUnixTimeMilliseconds(),
            BeforeMs = removal.Before.ToUnixTimeMilliseconds(),
            FirstBatch = removal.FirstBatch,
            LastBatch = removal.LastBatch,
            FirstSequence = removal.FirstSequence,
            LastSequence = removal.LastSequence,
            OldestEntryMs = removal.OldestEntry.ToUnixTimeMilliseconds(),
            NewestEntryMs = removal.NewestEntry.ToUnixTimeMilliseconds(),
            LastHash = removal.Last.Hash,
            LastLeafIndex = removal.Last.LeafIndex,
            LastProof = removal.Last.Proof,
            FileName = removal.FileName,
            FileSha256 = removal.FileSha256,
        });
        db.AuditEntries.Add(AuditEntryRow.From(entry));
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException ex) when (Provisioning.ProvisioningStore.IsUniqueViolation(ex.InnerException))
        {
            throw new StoreConflictException($"Removal {removal.Id} exists already: another removal ran meanwhile.", ex);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditRemoval>> ListRemovalsAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.Set<AuditRemovalRow>().AsNoTracking().OrderBy(r => r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new AuditRemoval(
            r.Id, r.Kind == "archived" ? AuditRemovalKind.Archived : AuditRemovalKind.Deleted,
            DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAtMs), DateTimeOffset.FromUnixTimeMilliseconds(r.BeforeMs),
            r.FirstBatch, r.LastBatch, r.FirstSequence, r.LastSequence,
            DateTimeOffset.FromUnixTimeMilliseconds(r.OldestEntryMs), DateTimeOffset.FromUnixTimeMilliseconds(r.NewestEntryMs),
            BoundaryOf(r), r.FileName, r.FileSha256))];
    }

    /// <summary>The hash-chain head the last removal left: where the sealer continues when no sealed entry is hot.</summary>
    internal static async Task<(long Sequence, byte[] Hash)?> LastRemovedAsync(SankofaDbContext db, CancellationToken cancellationToken)
    {
        var row = await db.Set<AuditRemovalRow>().AsNoTracking().OrderByDescending(r => r.LastSequence)
            .Select(r => new { r.LastSequence, r.LastHash }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return row is null ? null : (row.LastSequence, row.LastHash);
    }

    private static AuditBoundary BoundaryOf(AuditRemovalRow r) => new(r.LastSequence, r.LastHash, r.LastBatch, r.LastLeafIndex, r.LastProof);
}
