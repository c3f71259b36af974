using Sankofa.Core.Ledger;

namespace Sankofa.Core.Audit;

/// <summary>The audit log's storage port. Implementations keep every method transactional on its own.</summary>
public interface IAuditStore
{
    /// <summary>Stores new, unsealed entries in one transaction and returns them with their ids.</summary>
    Task<IReadOnlyList<AuditEntry>> AppendAsync(IReadOnlyList<NewAuditEntry> entries, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: reads the chain head and up to <paramref name="maxEntries"/> unsealed entries in id order,
    /// seals them with <see cref="AuditSealer.Seal"/> into the next batch and stores the result.
    /// Returns <c>null</c> when nothing waits to be sealed.
    /// </summary>
    Task<AuditBatch?> SealNextBatchAsync(int maxEntries, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Seals up to <paramref name="maxBatches"/> batches of at most <paramref name="maxEntries"/> entries each: the same
    /// batches, ids and chain as that many calls of <see cref="SealNextBatchAsync"/>, but in one transaction where the store
    /// can (one chain-head read, one read of the waiting entries, one write of their seals). Returns the batches in id
    /// order, empty when nothing waits.
    /// </summary>
    async Task<IReadOnlyList<AuditBatch>> SealNextBatchesAsync(int maxEntries, int maxBatches, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Stores that cannot do better seal batch after batch, each in its own transaction.
        var batches = new List<AuditBatch>();
        while (batches.Count < maxBatches && await SealNextBatchAsync(maxEntries, now, cancellationToken).ConfigureAwait(false) is { } batch)
        {
            batches.Add(batch);
        }

        return batches;
    }

    /// <summary>Sealed batches whose root is not (or no longer) known to be on chain, oldest first.</summary>
    Task<IReadOnlyList<AuditBatch>> GetUnanchoredBatchesAsync(int max, CancellationToken cancellationToken);

    /// <summary>Records where batch roots landed on chain.</summary>
    Task MarkAnchoredAsync(IReadOnlyList<(long BatchId, AnchorRecord Anchor)> anchors, CancellationToken cancellationToken);

    /// <summary>Forgets the anchors of batches whose root the chain no longer holds, so they are anchored again.</summary>
    Task MarkUnanchoredAsync(IReadOnlyList<long> batchIds, CancellationToken cancellationToken);

    /// <summary>Anchored batches with id greater than <paramref name="afterBatchId"/>, ascending, for reconciliation.</summary>
    Task<IReadOnlyList<AuditBatch>> GetAnchoredBatchesAsync(long afterBatchId, int max, CancellationToken cancellationToken);

    /// <summary>A page of entries matching the query, newest first unless the query says otherwise.</summary>
    Task<AuditPage> ListEntriesAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>One entry, or <c>null</c>.</summary>
    Task<AuditEntry?> GetEntryAsync(long id, CancellationToken cancellationToken);

    /// <summary>One batch, or <c>null</c>.</summary>
    Task<AuditBatch?> GetBatchAsync(long id, CancellationToken cancellationToken);

    /// <summary>The batches of <paramref name="ids"/> that exist, by id (for a page of entries: one read, not one per batch).</summary>
    async Task<IReadOnlyDictionary<long, AuditBatch>> GetBatchesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var found = new Dictionary<long, AuditBatch>(ids.Count);
        foreach (var id in ids)
        {
            if (await GetBatchAsync(id, cancellationToken).ConfigureAwait(false) is { } batch)
            {
                found[id] = batch;
            }
        }

        return found;
    }

    /// <summary>
    /// One entry with its batch (null while unsealed), or <c>null</c>: what a reader of the entry and its proof needs, in
    /// one query where the store can. Sealed entries never change, so there is nothing to read consistently across two.
    /// </summary>
    async Task<AuditEntryView?> GetEntryViewAsync(long id, CancellationToken cancellationToken)
    {
        if (await GetEntryAsync(id, cancellationToken).ConfigureAwait(false) is not { } entry)
        {
            return null;
        }

        return new AuditEntryView(entry, entry.Seal is { } seal ? await GetBatchAsync(seal.BatchId, cancellationToken).ConfigureAwait(false) : null);
    }

    /// <summary>Sealed entries in sequence order from <paramref name="fromSequence"/>, for whole-chain verification.</summary>
    Task<IReadOnlyList<AuditEntry>> GetSealedEntriesAsync(long fromSequence, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Seals the next <see cref="OnChainRoot.Count"/> waiting entries as batch <see cref="OnChainRoot.BatchId"/>, which the
    /// chain already holds, only when that rebuilds it exactly (next batch id, first sequence, count and root); otherwise
    /// changes nothing and returns <c>null</c>. Used after a restore, before any other sealing.
    /// </summary>
    Task<AuditBatch?> SealAsChainBatchAsync(OnChainRoot batch, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Highest batch id the store has used: its own batches' and those of recorded chain gaps.</summary>
    Task<long> GetLastBatchIdAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records batches the chain holds beyond the store (see <see cref="AuditChainGap"/>); the next sealed batch gets an id
    /// after <see cref="AuditChainGap.LastBatchId"/>. Recording the same first batch id again changes nothing.
    /// </summary>
    Task RecordChainGapAsync(AuditChainGap gap, CancellationToken cancellationToken);

    /// <summary>Every recorded chain gap, oldest first.</summary>
    Task<IReadOnlyList<AuditChainGap>> GetChainGapsAsync(CancellationToken cancellationToken);

    /// <summary>Counts of what still waits, for metrics and readiness.</summary>
    Task<AuditBacklog> GetBacklogAsync(CancellationToken cancellationToken);
}

/// <summary>An entry to store; the store assigns its id.</summary>
/// <param name="Time">When the mutation was accepted, at millisecond precision (the hash uses milliseconds).</param>
/// <param name="Actor">Who.</param>
/// <param name="Action">What.</param>
/// <param name="Subject">To what.</param>
/// <param name="Payload">Details as JSON, kept off chain.</param>
/// <param name="PayloadHash">SHA-256 of <paramref name="Payload"/>.</param>
public sealed record NewAuditEntry(DateTimeOffset Time, string Actor, string Action, string Subject, string Payload, byte[] PayloadHash);

/// <summary>Filters and paging for listing entries. Paging is by id cursor so pages stay stable while entries arrive.</summary>
/// <param name="Actor">Only this actor.</param>
/// <param name="Action">Only this action.</param>
/// <param name="Subject">Only this subject.</param>
/// <param name="From">Only entries at or after this time.</param>
/// <param name="To">Only entries before this time.</param>
/// <param name="BatchId">Only entries of this batch.</param>
/// <param name="Before">Cursor: only ids below this one (newest-first paging).</param>
/// <param name="Limit">Page size.</param>
public sealed record AuditQuery(
    string? Actor = null, string? Action = null, string? Subject = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, long? BatchId = null,
    long? Before = null, int Limit = 100);

/// <summary>A page of entries and the cursor for the next one (<c>null</c> on the last page).</summary>
/// <param name="Items">The entries, newest first.</param>
/// <param name="NextBefore">Pass as <see cref="AuditQuery.Before"/> for the next page.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, long? NextBefore);

/// <summary>What waits: entries not yet sealed, batches not yet anchored, and the oldest of each.</summary>
/// <param name="UnsealedEntries">Entries waiting for the sealer.</param>
/// <param name="UnanchoredBatches">Sealed batches not yet on chain.</param>
/// <param name="OldestUnanchoredSince">When the oldest waiting entry or batch was recorded, or <c>null</c> when nothing waits.</param>
/// <param name="LastAnchoredAt">When a root last reached the chain.</param>
public sealed record AuditBacklog(long UnsealedEntries, long UnanchoredBatches, DateTimeOffset? OldestUnanchoredSince, DateTimeOffset? LastAnchoredAt);
