using Microsoft.EntityFrameworkCore;
using Sankofa.Core.Audit;

namespace Sankofa.Data.Audit;

/// <summary>EF Core implementation of <see cref="IAuditStore"/> for SQLite and PostgreSQL.</summary>
internal sealed class AuditStore(IStoreContextFactory contexts) : IAuditStore
{
    // Any constant works; it only has to be the same for every server sharing the database.
    private const long SealerLockKey = 0x5A4B_0FA0_0001;

    public async Task<IReadOnlyList<AuditEntry>> AppendAsync(IReadOnlyList<NewAuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        await using var db = contexts.Create();
        var rows = entries.Select(e => new AuditEntryRow
        {
            TimeMs = e.Time.ToUnixTimeMilliseconds(),
            Actor = e.Actor,
            Action = e.Action,
            Subject = e.Subject,
            Payload = e.Payload,
            PayloadHash = e.PayloadHash,
        }).ToList();
        db.AuditEntries.AddRange(rows);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(ToDomain).ToList();
    }

    public async Task<AuditBatch?> SealNextBatchAsync(int maxEntries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (db.Database.IsNpgsql())
        {
            // Two servers on one database must not both extend the chain; SQLite's BEGIN IMMEDIATE already serialises.
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({SealerLockKey})", cancellationToken).ConfigureAwait(false);
        }

        var rows = await db.AuditEntries.Where(e => e.Sequence == null).OrderBy(e => e.Id).Take(maxEntries)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return null;
        }

        var last = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence != null).OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var lastBatchId = await db.AuditBatches.MaxAsync(b => (long?)b.Id, cancellationToken).ConfigureAwait(false) ?? 0;
        var head = new AuditChainHead(last?.Sequence ?? 0, last?.Hash ?? AuditHashing.Genesis.ToArray(), lastBatchId);

        var (batch, sealedEntries) = AuditSealer.Seal(head, rows.Select(ToDomain).ToList(), now);
        for (var i = 0; i < rows.Count; i++)
        {
            var seal = sealedEntries[i].Seal!;
            rows[i].Sequence = seal.Sequence;
            rows[i].PreviousHash = seal.PreviousHash;
            rows[i].Hash = seal.Hash;
            rows[i].BatchId = seal.BatchId;
            rows[i].LeafIndex = seal.LeafIndex;
            rows[i].Proof = seal.Proof;
        }

        db.AuditBatches.Add(new AuditBatchRow
        {
            Id = batch.Id,
            Root = batch.Root,
            FirstSequence = batch.FirstSequence,
            Count = batch.Count,
            SealedAtMs = now.ToUnixTimeMilliseconds(),
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return batch;
    }

    public async Task<IReadOnlyList<AuditBatch>> GetUnanchoredBatchesAsync(int max, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.AuditBatches.AsNoTracking().Where(b => b.AnchorBlock == null).OrderBy(b => b.Id).Take(max)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(ToDomain).ToList();
    }

    public async Task MarkAnchoredAsync(IReadOnlyList<(long BatchId, AnchorRecord Anchor)> anchors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        if (anchors.Count == 0)
        {
            return;
        }

        await using var db = contexts.Create();
        var ids = anchors.Select(a => a.BatchId).ToList();
        var rows = await db.AuditBatches.Where(b => ids.Contains(b.Id)).ToDictionaryAsync(b => b.Id, cancellationToken).ConfigureAwait(false);
        foreach (var (batchId, anchor) in anchors)
        {
            if (rows.TryGetValue(batchId, out var row))
            {
                row.AnchorTransaction = anchor.TransactionHash;
                row.AnchorBlock = anchor.BlockNumber;
                row.AnchoredAtMs = anchor.AnchoredAt.ToUnixTimeMilliseconds();
            }
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task MarkUnanchoredAsync(IReadOnlyList<long> batchIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batchIds);
        await using var db = contexts.Create();
        var ids = batchIds.ToList();
        await db.AuditBatches.Where(b => ids.Contains(b.Id)).ExecuteUpdateAsync(
            s => s.SetProperty(b => b.AnchorBlock, (long?)null)
                  .SetProperty(b => b.AnchorTransaction, (string?)null)
                  .SetProperty(b => b.AnchoredAtMs, (long?)null),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditBatch>> GetAnchoredBatchesAsync(long afterBatchId, int max, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.AuditBatches.AsNoTracking().Where(b => b.Id > afterBatchId && b.AnchorBlock != null).OrderBy(b => b.Id).Take(max)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(ToDomain).ToList();
    }

    public async Task<AuditPage> ListEntriesAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = contexts.Create();
        var q = db.AuditEntries.AsNoTracking();
        if (query.Actor is not null)
        {
            q = q.Where(e => e.Actor == query.Actor);
        }

        if (query.Action is not null)
        {
            q = q.Where(e => e.Action == query.Action);
        }

        if (query.Subject is not null)
        {
            q = q.Where(e => e.Subject == query.Subject);
        }

        if (query.From is { } from)
        {
            var ms = from.ToUnixTimeMilliseconds();
            q = q.Where(e => e.TimeMs >= ms);
        }

        if (query.To is { } to)
        {
            var ms = to.ToUnixTimeMilliseconds();
            q = q.Where(e => e.TimeMs < ms);
        }

        if (query.BatchId is { } batchId)
        {
            q = q.Where(e => e.BatchId == batchId);
        }

        if (query.Before is { } before)
        {
            q = q.Where(e => e.Id < before);
        }

        var rows = await q.OrderByDescending(e => e.Id).Take(query.Limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        var more = rows.Count > query.Limit;
        var items = rows.Take(query.Limit).Select(ToDomain).ToList();
        return new AuditPage(items, more ? items[^1].Id : null);
    }

    public async Task<AuditEntry?> GetEntryAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.AuditEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<AuditBatch?> GetBatchAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.AuditBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<IReadOnlyList<AuditEntry>> GetSealedEntriesAsync(long fromSequence, int max, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence >= fromSequence).OrderBy(e => e.Sequence).Take(max)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(ToDomain).ToList();
    }

    public async Task<AuditBacklog> GetBacklogAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var unsealed = await db.AuditEntries.LongCountAsync(e => e.Sequence == null, cancellationToken).ConfigureAwait(false);
        var oldestUnsealed = await db.AuditEntries.Where(e => e.Sequence == null).OrderBy(e => e.Id)
            .Select(e => (long?)e.TimeMs).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var unanchored = await db.AuditBatches.LongCountAsync(b => b.AnchorBlock == null, cancellationToken).ConfigureAwait(false);
        var oldestBatch = await db.AuditBatches.Where(b => b.AnchorBlock == null).OrderBy(b => b.Id)
            .Select(b => (long?)b.FirstSequence).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        long? oldestBatchTime = oldestBatch is { } seq
            ? await db.AuditEntries.Where(e => e.Sequence == seq).Select(e => (long?)e.TimeMs).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            : null;
        var lastAnchored = await db.AuditBatches.MaxAsync(b => b.AnchoredAtMs, cancellationToken).ConfigureAwait(false);
        var oldest = new[] { oldestUnsealed, oldestBatchTime }.Where(t => t is not null).Min();
        return new AuditBacklog(
            unsealed,
            unanchored,
            oldest is { } o ? DateTimeOffset.FromUnixTimeMilliseconds(o) : null,
            lastAnchored is { } l ? DateTimeOffset.FromUnixTimeMilliseconds(l) : null);
    }

    private static AuditEntry ToDomain(AuditEntryRow r) => new(
        r.Id,
        DateTimeOffset.FromUnixTimeMilliseconds(r.TimeMs),
        r.Actor,
        r.Action,
        r.Subject,
        r.PayloadHash,
        r.Payload,
        r.Sequence is { } seq
            ? new AuditSeal(seq, r.PreviousHash!, r.Hash!, r.BatchId!.Value, r.LeafIndex!.Value, r.Proof!)
            : null);

    private static AuditBatch ToDomain(AuditBatchRow r) => new(
        r.Id,
        r.Root,
        r.FirstSequence,
        r.Count,
        DateTimeOffset.FromUnixTimeMilliseconds(r.SealedAtMs),
        r.AnchorBlock is { } block
            ? new AnchorRecord(r.AnchorTransaction!, block, DateTimeOffset.FromUnixTimeMilliseconds(r.AnchoredAtMs!.Value))
            : null);
}
