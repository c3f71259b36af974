using Sankofa.Core.Ledger;

namespace Sankofa.Core.Audit;

/// <summary>
/// One step at a time, moves entries from accepted to proven: seals waiting entries into batches, records batch
/// roots on chain, and re-checks anchored roots so that a chain which lost blocks or state gets them again.
/// The database is the source of truth; every step is idempotent and safe to repeat after a crash.
/// </summary>
/// <param name="store">The audit store.</param>
/// <param name="ledger">The chain.</param>
/// <param name="options">Batch sizes and windows.</param>
/// <param name="time">The clock.</param>
public sealed class AuditAnchorer(IAuditStore store, IAuditAnchorLedger ledger, AuditOptions options, TimeProvider time)
{
    // Batch ids probed per read when looking for batches beyond the store; a page without any ends the search.
    private const int ChainAheadPage = 256;

    // The newest batch this anchorer has seen; the periodic reconcile looks back a window from here.
    private long highestBatchId;

    /// <summary>
    /// Looks for batches the chain holds beyond the store's last batch — what a store restored from a backup lost. Those
    /// the store can rebuild exactly (entries accepted before the backup point but sealed after it, and nothing else) are
    /// sealed again as they were, so they are not recorded a second time under new ids; the rest is recorded as an
    /// <see cref="AuditChainGap"/>, so that the next batch is sealed after them (the contract refuses a second root for a
    /// batch id) and the loss is reported. Run before sealing: a batch sealed first could take one of those ids.
    /// </summary>
    public async Task<AuditChainComparison> CompareWithChainAsync(CancellationToken cancellationToken)
    {
        var last = await store.GetLastBatchIdAsync(cancellationToken).ConfigureAwait(false);
        var found = new List<OnChainRoot>();
        // Pages, not one id at a time: anchoring sends chunks in parallel, so a lost tail may have holes.
        for (var from = last + 1; ; from += ChainAheadPage)
        {
            var ids = Enumerable.Range(0, ChainAheadPage).Select(i => from + i).ToList();
            var roots = await ledger.GetRootsAsync(ids, cancellationToken).ConfigureAwait(false);
            if (roots.Count == 0)
            {
                break;
            }

            found.AddRange(roots.Values);
        }

        found.Sort((a, b) => a.BatchId.CompareTo(b.BatchId));
        // Sealing follows commit order from the same head, so the first batches sealed after the backup start with the
        // entries the backup holds unsealed; a batch made of those alone is rebuilt bit for bit, or not at all.
        var recovered = 0;
        while (recovered < found.Count && found[recovered].BatchId == last + 1 + recovered
               && await store.SealAsChainBatchAsync(found[recovered], time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is not null)
        {
            recovered++;
        }

        highestBatchId = Math.Max(highestBatchId, last + recovered);
        var lost = found.Skip(recovered).ToList();
        if (lost.Count == 0)
        {
            return new AuditChainComparison(recovered, null);
        }

        var entries = lost.Sum(r => (long)r.Count);
        // The first lost batch, when it follows the store's last, began with the entries the store still holds unsealed.
        var resealed = lost[0].BatchId == last + 1 + recovered
            ? Math.Min(entries, (await store.GetBacklogAsync(cancellationToken).ConfigureAwait(false)).UnsealedEntries)
            : 0;
        var gap = new AuditChainGap(last + 1 + recovered, lost[^1].BatchId, lost.Count, entries, resealed, lost[0].FirstSequence, time.GetUtcNow());
        await store.RecordChainGapAsync(gap, cancellationToken).ConfigureAwait(false);
        highestBatchId = Math.Max(highestBatchId, gap.LastBatchId);
        return new AuditChainComparison(recovered, gap);
    }

    /// <summary>Seals waiting entries until none wait or <paramref name="maxBatches"/> batches were made; returns entries sealed.</summary>
    public async Task<int> SealAsync(int maxBatches, CancellationToken cancellationToken)
    {
        var sealedCount = 0;
        for (var made = 0; made < maxBatches;)
        {
            var batches = await store.SealNextBatchesAsync(
                options.BatchSize, Math.Min(Math.Max(1, options.BatchesPerSeal), maxBatches - made), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (batches.Count == 0)
            {
                break;
            }

            made += batches.Count;
            sealedCount += batches.Sum(b => b.Count);
            highestBatchId = Math.Max(highestBatchId, batches[^1].Id);
        }

        return sealedCount;
    }

    /// <summary>
    /// Sends the oldest unanchored batches to the chain and records where they landed; returns the batches anchored.
    /// Throws <see cref="LedgerUnavailableException"/> when the chain cannot be reached (nothing is lost: they stay unanchored).
    /// </summary>
    public async Task<IReadOnlyList<AuditBatch>> AnchorAsync(CancellationToken cancellationToken)
    {
        var batches = await store.GetUnanchoredBatchesAsync(options.BatchesPerAnchor, cancellationToken).ConfigureAwait(false);
        if (batches.Count == 0)
        {
            return [];
        }

        var results = await ledger.AnchorAsync(
            batches.Select(b => new AnchorRequest(b.Id, b.Root, b.FirstSequence, b.Count)).ToList(), cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        await store.MarkAnchoredAsync(
            results.Select(r => (r.BatchId, new AnchorRecord(r.TransactionHash, r.BlockNumber, now))).ToList(), cancellationToken).ConfigureAwait(false);
        highestBatchId = Math.Max(highestBatchId, batches[^1].Id);
        return batches;
    }

    /// <summary>
    /// Checks anchored batches against the chain — every batch when <paramref name="full"/>, else the newest
    /// <see cref="AuditOptions.ReconcileWindow"/> — and marks those the chain does not hold (or holds with another root)
    /// as unanchored so <see cref="AnchorAsync"/> records them again. Returns the batch ids it found missing.
    /// </summary>
    public async Task<IReadOnlyList<long>> ReconcileAsync(bool full, CancellationToken cancellationToken)
    {
        var missing = new List<long>();
        var after = full ? 0 : Math.Max(0, highestBatchId - options.ReconcileWindow);
        const int Page = 500;
        while (true)
        {
            var batches = await store.GetAnchoredBatchesAsync(after, Page, cancellationToken).ConfigureAwait(false);
            if (batches.Count == 0)
            {
                break;
            }

            var onChain = await ledger.GetRootsAsync(batches.Select(b => b.Id).ToList(), cancellationToken).ConfigureAwait(false);
            var gone = batches
                .Where(b => !onChain.TryGetValue(b.Id, out var root) || !root.Root.AsSpan().SequenceEqual(b.Root))
                .Select(b => b.Id)
                .ToList();
            if (gone.Count > 0)
            {
                await store.MarkUnanchoredAsync(gone, cancellationToken).ConfigureAwait(false);
                missing.AddRange(gone);
            }

            after = batches[^1].Id;
            highestBatchId = Math.Max(highestBatchId, after);
        }

        return missing;
    }
}
