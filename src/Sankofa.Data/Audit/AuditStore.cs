using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;

namespace Sankofa.Data.Audit;

/// <summary>EF Core implementation of <see cref="IAuditStore"/> for SQLite and PostgreSQL.</summary>
internal sealed class AuditStore(IStoreContextFactory contexts) : IAuditStore
{
    // Any constant works; it only has to be the same for every server sharing the database.
    internal const long SealerLockKey = 0x5A4B_0FA0_0001;

    // Most entries one group commit takes.
    private const int GroupCommitLimit = 10_000;

    // One group of appends commits at a time in this process, so on PostgreSQL the appends that arrive meanwhile share the
    // next COPY and commit, and the sealer gets its turns: measured against no limit (docs/benchmarks.md, PostgreSQL
    // ingest), the same append rate but the last root on chain 0.1–0.35 s after the last append instead of 0.55–0.95 s.
    private readonly GroupCommit<PendingAppend> appends = new(contexts, GroupCommitLimit, (group, ct) => CommitAsync(contexts, group, ct), concurrentGroups: 1);

    public async Task<IReadOnlyList<AuditEntry>> AppendAsync(IReadOnlyList<NewAuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return [];
        }

        var pending = new PendingAppend(entries);
        await appends.SubmitAsync(pending, cancellationToken).ConfigureAwait(false);
        return await pending.Result.Task.ConfigureAwait(false);
    }

    private static async Task CommitAsync(IStoreContextFactory factory, IReadOnlyList<PendingAppend> group, CancellationToken cancellationToken)
    {
        var all = group.SelectMany(p => p.Entries).ToList();
        // At audit rates EF's change tracking costs more than the insert itself, so rows go in with plain SQL on the
        // context's own connection and transaction.
        await using var db = factory.Create();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var ids = db.Database.IsNpgsql()
            ? await InsertCopyAsync(db, all, cancellationToken).ConfigureAwait(false)
            : InsertPrepared(db, all);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        var offset = 0;
        foreach (var p in group)
        {
            p.Result.SetResult(p.Entries.Select((e, i) => new AuditEntry(
                ids[offset + i], DateTimeOffset.FromUnixTimeMilliseconds(e.Time.ToUnixTimeMilliseconds()),
                e.Actor, e.Action, e.Subject, e.PayloadHash, e.Payload, null)).ToList());
            offset += p.Entries.Count;
        }
    }

    private sealed class PendingAppend(IReadOnlyList<NewAuditEntry> entries) : GroupCommit<PendingAppend>.IWrite
    {
        public IReadOnlyList<NewAuditEntry> Entries { get; } = entries;

        public TaskCompletionSource<IReadOnlyList<AuditEntry>> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Weight => Entries.Count;

        public Task Done => Result.Task;

        public void Fail(Exception error) => Result.TrySetException(error);
    }

    public async Task<AuditBatch?> SealNextBatchAsync(int maxEntries, DateTimeOffset now, CancellationToken cancellationToken) =>
        await SealNextBatchesAsync(maxEntries, 1, now, cancellationToken).ConfigureAwait(false) is [var batch] ? batch : null;

    public Task<IReadOnlyList<AuditBatch>> SealNextBatchesAsync(int maxEntries, int maxBatches, DateTimeOffset now, CancellationToken cancellationToken) =>
        SealAsync(maxEntries, maxBatches, now, onChain: null, cancellationToken);

    public async Task<AuditBatch?> SealAsChainBatchAsync(OnChainRoot batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return await SealAsync(batch.Count, 1, now, batch, cancellationToken).ConfigureAwait(false) is [var rebuilt] ? rebuilt : null;
    }

    // With onChain, the one batch is kept only when it is that one, rebuilt exactly; the transaction is otherwise rolled back.
    private async Task<IReadOnlyList<AuditBatch>> SealAsync(int maxEntries, int maxBatches, DateTimeOffset now, OnChainRoot? onChain, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatches, 1);
        using var turn = await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var postgres = db.Database.IsNpgsql();
        if (postgres)
        {
            // Two servers on one database must not both extend the chain; SQLite's BEGIN IMMEDIATE already serialises.
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({SealerLockKey})", cancellationToken).ConfigureAwait(false);
        }

        var limit = checked(maxEntries * maxBatches);
        var unsealed = postgres
            ? await ReadWaitingPostgresAsync(db, tx.GetDbTransaction(), limit, cancellationToken).ConfigureAwait(false)
            : await ReadWaitingAsync(db, limit, cancellationToken).ConfigureAwait(false);
        if (unsealed.Count == 0)
        {
            return [];
        }

        var last = await db.AuditSeals.OrderByDescending(s => s.Sequence).Select(s => new { s.Sequence, s.Hash })
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var lastBatchId = await LastBatchIdAsync(db, cancellationToken).ConfigureAwait(false);
        var head = new AuditChainHead(last?.Sequence ?? 0, last?.Hash ?? AuditHashing.Genesis.ToArray(), lastBatchId);
        if (last is null && await Retention.AuditRetentionStore.LastRemovedAsync(db, cancellationToken).ConfigureAwait(false) is { } removed)
        {
            // Every sealed entry was archived: the chain continues from the last one archived, never from genesis again.
            head = head with { LastSequence = removed.Sequence, LastHash = removed.Hash };
        }

        // Batch after batch, each continuing the chain from the one before: the same ids, roots and proofs as one
        // transaction per batch would give, for one lock, one chain-head read and one queue read.
        await using var writer = postgres
            ? await PostgresSealWriter.StartAsync(db, tx.GetDbTransaction()).ConfigureAwait(false)
            : SqliteSealWriter.Start(db);
        var batches = new List<AuditBatch>(maxBatches);
        for (var offset = 0; offset < unsealed.Count; offset += maxEntries)
        {
            var (batch, sealedEntries) = AuditSealer.Seal(head, unsealed.GetRange(offset, Math.Min(maxEntries, unsealed.Count - offset)), now);
            if (onChain is not null && (batch.Id != onChain.BatchId || batch.FirstSequence != onChain.FirstSequence || batch.Count != onChain.Count
                                        || !batch.Root.AsSpan().SequenceEqual(onChain.Root)))
            {
                return []; // disposing the transaction rolls it back
            }

            await writer.WriteAsync(batch.Id, sealedEntries, cancellationToken).ConfigureAwait(false);
            batches.Add(batch);
            head = new AuditChainHead(batch.FirstSequence + batch.Count - 1, sealedEntries[^1].Seal!.Hash, batch.Id);
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        if (postgres)
        {
            await DequeuePostgresAsync(db, tx.GetDbTransaction(), unsealed, cancellationToken).ConfigureAwait(false);
        }

        db.AuditBatches.AddRange(batches.Select(b => new AuditBatchRow
        {
            Id = b.Id,
            Root = b.Root,
            FirstSequence = b.FirstSequence,
            Count = b.Count,
            SealedAtMs = now.ToUnixTimeMilliseconds(),
        }));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return batches;
    }

    /// <summary>
    /// SQLite: the first waiting entries in id order, only what the hash needs (the payloads stay on disk). SQLite has one
    /// writer at a time and <c>audit_entries</c> ids only grow, so entries commit in id order and the sealer seals them in
    /// that order: the waiting ones are exactly those after the last entry sealed, a range of the primary key. (Until
    /// migration AuditSqliteNoQueue a trigger queued every entry in <c>audit_unsealed</c>, a row written and deleted per
    /// entry; PostgreSQL keeps that queue, since its ids are taken before commit and commit out of order.)
    /// </summary>
    private static async Task<List<AuditEntry>> ReadWaitingAsync(SankofaDbContext db, int limit, CancellationToken cancellationToken)
    {
        var waiting = await WaitingSqlite(db).OrderBy(e => e.Id).Take(limit)
            .Select(e => new { e.Id, e.TimeMs, e.Actor, e.Action, e.Subject, e.PayloadHash })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return waiting
            .Select(e => new AuditEntry(e.Id, DateTimeOffset.FromUnixTimeMilliseconds(e.TimeMs), e.Actor, e.Action, e.Subject, e.PayloadHash, null, null))
            .ToList();
    }

    /// <summary>SQLite's waiting entries: those after the last entry sealed (see <see cref="ReadWaitingAsync"/>).</summary>
    private static IQueryable<AuditEntryRow> WaitingSqlite(SankofaDbContext db) =>
        db.AuditEntries.Where(e => e.Id > (db.AuditSeals.Max(s => (long?)s.EntryId) ?? 0));

    /// <summary>
    /// PostgreSQL: the first waiting entries in id order. The queue's ids go into an array first (an InitPlan) and the
    /// entries are fetched by primary key: written as a join, PostgreSQL hashed the queue and scanned the whole of
    /// audit_entries for every batch (190 ms for 4,096 entries out of 120,000, growing with the table).
    /// </summary>
    private static async Task<List<AuditEntry>> ReadWaitingPostgresAsync(SankofaDbContext db, DbTransaction tx, int limit, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT id, time_ms, actor, action, subject, payload_hash FROM audit_entries "
                              + "WHERE id = ANY(ARRAY(SELECT entry_id FROM audit_unsealed ORDER BY entry_id LIMIT @limit)) ORDER BY id";
        Parameter(command, "limit", DbType.Int32).Value = limit;
        var waiting = new List<AuditEntry>(Math.Min(limit, 1 << 16));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            waiting.Add(new AuditEntry(
                reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), (byte[])reader.GetValue(5), null, null));
        }

        return waiting;
    }

    /// <summary>
    /// PostgreSQL: the sealed entries leave the queue, by id, since each statement sees rows committed since the last, so
    /// a range could take an entry not sealed.
    /// </summary>
    private static async Task DequeuePostgresAsync(SankofaDbContext db, DbTransaction tx, List<AuditEntry> sealedEntries, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = tx;
        command.CommandText = "DELETE FROM audit_unsealed WHERE entry_id = ANY(@ids)";
        Parameter(command, "ids", DbType.Object).Value = sealedEntries.Select(e => e.Id).ToArray();
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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

        using var turn = await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
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
        using var turn = await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
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

    // The list with no filter but its cursor (the log newest first, as a client pages or polls it), compiled once per
    // store: each page otherwise built and looked up the LINQ tree of the entries and their seals again. The seal is
    // a left join projected beside the entry, not an Include: profiled under 16 clients, the Include's fix-up in EF's
    // shaper made a delegate (DynamicMethod.CreateDelegate) for every row read.
    private readonly Func<SankofaDbContext, long, int, IAsyncEnumerable<EntryRows>> newestEntries = EF.CompileAsyncQuery(
        (SankofaDbContext db, long before, int take) =>
            (from e in db.Set<AuditEntryRow>().AsNoTracking()
             where e.Id < before
             from s in db.Set<AuditSealRow>().AsNoTracking().Where(s => s.EntryId == e.Id).DefaultIfEmpty()
             orderby e.Id descending
             select new EntryRows { Entry = e, Seal = s }).Take(take));

    public async Task<AuditPage> ListEntriesAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = contexts.Create();
        if (query is { Actor: null, Action: null, Subject: null, From: null, To: null, BatchId: null })
        {
            var newest = new List<AuditEntry>(query.Limit + 1);
            await foreach (var pair in newestEntries(db, query.Before ?? long.MaxValue, query.Limit + 1).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                pair.Entry.Seal = pair.Seal;
                newest.Add(ToDomain(pair.Entry));
            }

            return PageOf(newest, query.Limit);
        }

        var q = db.AuditEntries.AsNoTracking().Include(e => e.Seal).AsQueryable();
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
            q = q.Where(e => e.Seal!.BatchId == batchId);
        }

        if (query.Before is { } before)
        {
            q = q.Where(e => e.Id < before);
        }

        var rows = await q.OrderByDescending(e => e.Id).Take(query.Limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return PageOf([.. rows.Select(ToDomain)], query.Limit);
    }

    /// <summary>A page of the entries read (one more than the limit when there is a next page).</summary>
    private static AuditPage PageOf(List<AuditEntry> read, int limit)
    {
        var more = read.Count > limit;
        if (more)
        {
            read.RemoveRange(limit, read.Count - limit);
        }

        return new AuditPage(read, more ? read[^1].Id : null);
    }

    public async Task<AuditEntry?> GetEntryAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.AuditEntries.AsNoTracking().Include(e => e.Seal).FirstOrDefaultAsync(e => e.Id == id, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    // The entry, its seal and its batch in one statement (two left joins on primary keys), compiled once per store: a
    // verified read of one entry otherwise paid two queries and EF's per-execution expression work for each.
    private readonly Func<SankofaDbContext, long, CancellationToken, Task<EntryRows?>> entryWithBatch = EF.CompileAsyncQuery(
        (SankofaDbContext db, long id, CancellationToken _) =>
            (from e in db.Set<AuditEntryRow>().AsNoTracking()
             where e.Id == id
             from s in db.Set<AuditSealRow>().AsNoTracking().Where(s => s.EntryId == e.Id).DefaultIfEmpty()
             from b in db.Set<AuditBatchRow>().AsNoTracking().Where(b => b.Id == s!.BatchId).DefaultIfEmpty()
             select new EntryRows { Entry = e, Seal = s, Batch = b }).FirstOrDefault());

    public async Task<AuditEntryView?> GetEntryViewAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        if (await entryWithBatch(db, id, cancellationToken).ConfigureAwait(false) is not { } rows)
        {
            return null;
        }

        rows.Entry.Seal = rows.Seal;
        return new AuditEntryView(ToDomain(rows.Entry), rows.Batch is { } batch ? ToDomain(batch) : null);
    }

    private sealed class EntryRows
    {
        public required AuditEntryRow Entry { get; init; }

        public AuditSealRow? Seal { get; init; }

        public AuditBatchRow? Batch { get; init; }
    }

    public async Task<AuditBatch?> GetBatchAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.AuditBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<IReadOnlyDictionary<long, AuditBatch>> GetBatchesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await using var db = contexts.Create();
        var batches = new Dictionary<long, AuditBatch>(ids.Count);
        await foreach (var row in batchesIn(db, [.. ids]).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            batches[row.Id] = ToDomain(row);
        }

        return batches;
    }

    // Compiled like newestEntries: every audit page reads its batches (usually one or two) through this.
    private readonly Func<SankofaDbContext, long[], IAsyncEnumerable<AuditBatchRow>> batchesIn = EF.CompileAsyncQuery(
        (SankofaDbContext db, long[] wanted) => db.Set<AuditBatchRow>().AsNoTracking().Where(b => wanted.Contains(b.Id)));

    public async Task<IReadOnlyList<AuditEntry>> GetSealedEntriesAsync(long fromSequence, int max, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.AuditEntries.AsNoTracking().Include(e => e.Seal).Where(e => e.Seal!.Sequence >= fromSequence).OrderBy(e => e.Seal!.Sequence).Take(max)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(ToDomain).ToList();
    }

    public async Task<long> GetLastBatchIdAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        return await LastBatchIdAsync(db, cancellationToken).ConfigureAwait(false);
    }

    // Batch ids recorded on chain but lost by a restore are never sealed again: the contract would refuse another root.
    private static async Task<long> LastBatchIdAsync(SankofaDbContext db, CancellationToken cancellationToken)
    {
        var batches = await db.AuditBatches.MaxAsync(b => (long?)b.Id, cancellationToken).ConfigureAwait(false) ?? 0;
        var gaps = await db.Set<AuditChainGapRow>().MaxAsync(g => (long?)g.LastBatchId, cancellationToken).ConfigureAwait(false) ?? 0;
        return Math.Max(batches, gaps);
    }

    public async Task RecordChainGapAsync(AuditChainGap gap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gap);
        using var turn = await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var db = contexts.Create();
        if (await db.Set<AuditChainGapRow>().AnyAsync(g => g.FirstBatchId == gap.FirstBatchId, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        db.Set<AuditChainGapRow>().Add(new AuditChainGapRow
        {
            FirstBatchId = gap.FirstBatchId,
            LastBatchId = gap.LastBatchId,
            Batches = gap.Batches,
            Entries = gap.Entries,
            Resealed = gap.Resealed,
            FirstSequence = gap.FirstSequence,
            FoundAtMs = gap.FoundAt.ToUnixTimeMilliseconds(),
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditChainGap>> GetChainGapsAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.Set<AuditChainGapRow>().AsNoTracking().OrderBy(g => g.FirstBatchId).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(g => new AuditChainGap(
            g.FirstBatchId, g.LastBatchId, g.Batches, g.Entries, g.Resealed, g.FirstSequence, DateTimeOffset.FromUnixTimeMilliseconds(g.FoundAtMs))).ToList();
    }

    public async Task<AuditBacklog> GetBacklogAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        long unsealed;
        long? oldestUnsealed;
        if (db.Database.IsNpgsql())
        {
            unsealed = await db.AuditUnsealed.LongCountAsync(cancellationToken).ConfigureAwait(false);
            // The queue's first id, then that entry by key: written as a join, PostgreSQL may hash the queue and scan every entry.
            oldestUnsealed = await db.AuditEntries.Where(e => e.Id == db.AuditUnsealed.Min(u => (long?)u.EntryId))
                .Select(e => (long?)e.TimeMs).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            unsealed = await WaitingSqlite(db).LongCountAsync(cancellationToken).ConfigureAwait(false);
            oldestUnsealed = await WaitingSqlite(db).OrderBy(e => e.Id).Select(e => (long?)e.TimeMs).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        }

        var unanchored = await db.AuditBatches.LongCountAsync(b => b.AnchorBlock == null, cancellationToken).ConfigureAwait(false);
        var oldestBatch = await db.AuditBatches.Where(b => b.AnchorBlock == null).OrderBy(b => b.Id)
            .Select(b => (long?)b.FirstSequence).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        long? oldestBatchTime = oldestBatch is { } seq
            ? await db.AuditSeals.Where(s => s.Sequence == seq).Select(s => (long?)s.Entry.TimeMs).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            : null;
        var lastAnchored = await db.AuditBatches.MaxAsync(b => b.AnchoredAtMs, cancellationToken).ConfigureAwait(false);
        var oldest = new[] { oldestUnsealed, oldestBatchTime }.Where(t => t is not null).Min();
        return new AuditBacklog(
            unsealed,
            unanchored,
            oldest is { } o ? DateTimeOffset.FromUnixTimeMilliseconds(o) : null,
            lastAnchored is { } l ? DateTimeOffset.FromUnixTimeMilliseconds(l) : null);
    }

    /// <summary>
    /// SQLite: one prepared single-row INSERT executed per entry, through SQLite's C API (<see cref="SqliteRowWriter"/>).
    /// SQLite runs in-process, so a row costs microseconds; a multi-row INSERT would be slower here, because SQLite looks
    /// named parameters up one by one (quadratic in rows).
    /// </summary>
    private static List<long> InsertPrepared(SankofaDbContext db, IReadOnlyList<NewAuditEntry> entries)
    {
        using var insert = new SqliteRowWriter(
            (SqliteConnection)db.Database.GetDbConnection(),
            "INSERT INTO audit_entries (time_ms, actor, action, subject, payload, payload_hash) VALUES (?, ?, ?, ?, ?, ?)");
        foreach (var e in entries)
        {
            insert.Bind(1, e.Time.ToUnixTimeMilliseconds());
            insert.Bind(2, e.Actor);
            insert.Bind(3, e.Action);
            insert.Bind(4, e.Subject);
            insert.Bind(5, e.Payload);
            insert.Bind(6, e.PayloadHash);
            insert.Step();
        }

        // The id column is AUTOINCREMENT and this transaction holds SQLite's only write lock, so its rows took the
        // consecutive ids that end at the last one inserted; reading them back row by row would cost a reader per row.
        var last = insert.LastInsertRowId;
        var ids = new List<long>(entries.Count);
        for (var id = last - entries.Count + 1; id <= last; id++)
        {
            ids.Add(id);
        }

        return ids;
    }

    /// <summary>
    /// PostgreSQL: ids drawn from the table's sequence in one query, then the rows in one binary COPY, which PostgreSQL
    /// neither parses nor plans per row as it does the VALUES lists of a multi-row INSERT.
    /// </summary>
    private static async Task<List<long>> InsertCopyAsync(SankofaDbContext db, IReadOnlyList<NewAuditEntry> entries, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var ids = new List<long>(entries.Count);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT nextval(pg_get_serial_sequence('audit_entries', 'id')) FROM generate_series(1, @count)";
            command.Parameters.AddWithValue("count", entries.Count);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        // Drawn concurrently with other sessions, the ids need not be consecutive; ascending, they keep the entries' order.
        ids.Sort();
        await using var import = await connection.BeginBinaryImportAsync(
            "COPY audit_entries (id, time_ms, actor, action, subject, payload, payload_hash) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            await import.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(ids[i], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(e.Time.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(e.Actor, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(e.Action, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(e.Subject, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(e.Payload, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(e.PayloadHash, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
        }

        await import.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>Writes the seals of one transaction, batch after batch.</summary>
    private interface ISealWriter : IAsyncDisposable
    {
        Task WriteAsync(long batchId, IReadOnlyList<AuditEntry> sealedEntries, CancellationToken cancellationToken);

        Task CompleteAsync(CancellationToken cancellationToken);
    }

    /// <summary>
    /// SQLite: one prepared INSERT executed per seal through SQLite's C API (in-process, so a row costs microseconds, not a
    /// round trip; see <see cref="SqliteRowWriter"/>).
    /// </summary>
    private sealed class SqliteSealWriter(SqliteRowWriter insert) : ISealWriter
    {
        public static ISealWriter Start(SankofaDbContext db) => new SqliteSealWriter(new SqliteRowWriter(
            (SqliteConnection)db.Database.GetDbConnection(),
            "INSERT INTO audit_seals (entry_id, sequence, previous_hash, hash, batch_id, leaf_index, proof) VALUES (?, ?, ?, ?, ?, ?, ?)"));

        public Task WriteAsync(long batchId, IReadOnlyList<AuditEntry> sealedEntries, CancellationToken cancellationToken)
        {
            foreach (var entry in sealedEntries)
            {
                var seal = entry.Seal!;
                insert.Bind(1, entry.Id);
                insert.Bind(2, seal.Sequence);
                insert.Bind(3, seal.PreviousHash);
                insert.Bind(4, seal.Hash);
                insert.Bind(5, batchId);
                insert.Bind(6, seal.LeafIndex);
                insert.Bind(7, seal.Proof);
                insert.Step();
            }

            return Task.CompletedTask;
        }

        public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync()
        {
            insert.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// PostgreSQL: one INSERT … SELECT FROM unnest(arrays) per batch (a single round trip for its seals).
    /// </summary>
    private sealed class PostgresSealWriter(DbConnection connection, DbTransaction tx) : ISealWriter
    {
        public static Task<ISealWriter> StartAsync(SankofaDbContext db, DbTransaction tx) =>
            Task.FromResult<ISealWriter>(new PostgresSealWriter(db.Database.GetDbConnection(), tx));

        public async Task WriteAsync(long batchId, IReadOnlyList<AuditEntry> sealedEntries, CancellationToken cancellationToken)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "INSERT INTO audit_seals (entry_id, sequence, previous_hash, hash, batch_id, leaf_index, proof) "
                                  + "SELECT v.id, v.sequence, v.previous_hash, v.hash, @batch, v.leaf_index, v.proof "
                                  + "FROM unnest(@ids, @sequences, @previous, @hashes, @leaves, @proofs) AS v(id, sequence, previous_hash, hash, leaf_index, proof)";
            Parameter(command, "batch", DbType.Int64).Value = batchId;
            Parameter(command, "ids", DbType.Object).Value = sealedEntries.Select(e => e.Id).ToArray();
            Parameter(command, "sequences", DbType.Object).Value = sealedEntries.Select(e => e.Seal!.Sequence).ToArray();
            Parameter(command, "previous", DbType.Object).Value = sealedEntries.Select(e => e.Seal!.PreviousHash).ToArray();
            Parameter(command, "hashes", DbType.Object).Value = sealedEntries.Select(e => e.Seal!.Hash).ToArray();
            Parameter(command, "leaves", DbType.Object).Value = sealedEntries.Select(e => e.Seal!.LeafIndex).ToArray();
            Parameter(command, "proofs", DbType.Object).Value = sealedEntries.Select(e => e.Seal!.Proof).ToArray();
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static DbParameter Parameter(DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        if (type != DbType.Object)
        {
            parameter.DbType = type;
        }

        command.Parameters.Add(parameter);
        return parameter;
    }

    internal static AuditEntry ToDomain(AuditEntryRow r) => new(
        r.Id,
        DateTimeOffset.FromUnixTimeMilliseconds(r.TimeMs),
        r.Actor,
        r.Action,
        r.Subject,
        r.PayloadHash,
        r.Payload,
        r.Seal is { } s ? new AuditSeal(s.Sequence, s.PreviousHash, s.Hash, s.BatchId, s.LeafIndex, s.Proof) : null);

    internal static AuditBatch ToDomain(AuditBatchRow r) => new(
        r.Id,
        r.Root,
        r.FirstSequence,
        r.Count,
        DateTimeOffset.FromUnixTimeMilliseconds(r.SealedAtMs),
        r.AnchorBlock is { } block
            ? new AnchorRecord(r.AnchorTransaction!, block, DateTimeOffset.FromUnixTimeMilliseconds(r.AnchoredAtMs!.Value))
            : null);
}
