using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;

namespace Sankofa.Core.Tests.Fakes;

/// <summary>
/// Audit batches in memory, as the anchorer sees them: sealed (from <see cref="Waiting"/>), unanchored, anchored; and
/// entries as the audit queries read them (from <see cref="AddEntry"/>). Appending and the chain read throw.
/// </summary>
internal sealed class FakeAuditStore : IAuditStore
{
    private readonly Lock _sync = new();
    private readonly SortedDictionary<long, AuditBatch> _batches = [];
    private readonly SortedDictionary<long, AuditEntry> _entries = [];

    /// <summary>Batches that sealing takes next, in order.</summary>
    public Queue<AuditBatch> Waiting { get; } = new();

    /// <summary>Every stored batch, by id.</summary>
    public IReadOnlyList<AuditBatch> Batches
    {
        get
        {
            lock (_sync)
            {
                return [.. _batches.Values];
            }
        }
    }

    public Task<AuditBatch?> SealNextBatchAsync(int maxEntries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (!Waiting.TryDequeue(out var batch))
            {
                return Task.FromResult<AuditBatch?>(null);
            }

            _batches[batch.Id] = batch with { SealedAt = now, Anchor = null };
            return Task.FromResult<AuditBatch?>(_batches[batch.Id]);
        }
    }

    /// <summary>Seals the next waiting batch when it is <paramref name="batch"/> (id, first sequence, count, root).</summary>
    public Task<AuditBatch?> SealAsChainBatchAsync(OnChainRoot batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (!Waiting.TryPeek(out var next) || next.Id != batch.BatchId || next.FirstSequence != batch.FirstSequence || next.Count != batch.Count
                || !next.Root.AsSpan().SequenceEqual(batch.Root))
            {
                return Task.FromResult<AuditBatch?>(null);
            }
        }

        return SealNextBatchAsync(batch.Count, now, cancellationToken);
    }

    public Task<IReadOnlyList<AuditBatch>> GetUnanchoredBatchesAsync(int max, CancellationToken cancellationToken) =>
        Select(b => b.Anchor is null, max);

    public Task<IReadOnlyList<AuditBatch>> GetAnchoredBatchesAsync(long afterBatchId, int max, CancellationToken cancellationToken) =>
        Select(b => b.Anchor is not null && b.Id > afterBatchId, max);

    public Task MarkAnchoredAsync(IReadOnlyList<(long BatchId, AnchorRecord Anchor)> anchors, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            foreach (var (id, anchor) in anchors)
            {
                _batches[id] = _batches[id] with { Anchor = anchor };
            }
        }

        return Task.CompletedTask;
    }

    public Task MarkUnanchoredAsync(IReadOnlyList<long> batchIds, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            foreach (var id in batchIds)
            {
                _batches[id] = _batches[id] with { Anchor = null };
            }
        }

        return Task.CompletedTask;
    }

    public Task<AuditBatch?> GetBatchAsync(long id, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult(_batches.GetValueOrDefault(id));
        }
    }

    public Task<IReadOnlyList<AuditEntry>> AppendAsync(IReadOnlyList<NewAuditEntry> entries, CancellationToken cancellationToken) => throw new NotSupportedException();

    /// <summary>Stores an entry as it is (a test's starting point).</summary>
    public void AddEntry(AuditEntry entry)
    {
        lock (_sync)
        {
            _entries[entry.Id] = entry;
        }
    }

    /// <summary>Newest first; honours the limit and the <see cref="AuditQuery.Before"/> cursor only.</summary>
    public Task<AuditPage> ListEntriesAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var items = _entries.Values.Reverse().Where(e => query.Before is null || e.Id < query.Before).Take(query.Limit + 1).ToList();
            var page = items.Take(query.Limit).ToList();
            return Task.FromResult(new AuditPage(page, items.Count > query.Limit ? page[^1].Id : null));
        }
    }

    public Task<AuditEntry?> GetEntryAsync(long id, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult(_entries.GetValueOrDefault(id));
        }
    }

    public Task<IReadOnlyList<AuditEntry>> GetSealedEntriesAsync(long fromSequence, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

    /// <summary>Only the unsealed count is kept: the entries of <see cref="Waiting"/>.</summary>
    public Task<AuditBacklog> GetBacklogAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult(new AuditBacklog(Waiting.Sum(b => (long)b.Count), 0, null, null));
        }
    }

    /// <summary>Recorded chain gaps, in order.</summary>
    public List<AuditChainGap> Gaps { get; } = [];

    public Task<long> GetLastBatchIdAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult(Math.Max(_batches.Count == 0 ? 0 : _batches.Keys.Max(), Gaps.Count == 0 ? 0 : Gaps.Max(g => g.LastBatchId)));
        }
    }

    public Task RecordChainGapAsync(AuditChainGap gap, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (!Gaps.Exists(g => g.FirstBatchId == gap.FirstBatchId))
            {
                Gaps.Add(gap);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditChainGap>> GetChainGapsAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult<IReadOnlyList<AuditChainGap>>([.. Gaps]);
        }
    }

    private Task<IReadOnlyList<AuditBatch>> Select(Func<AuditBatch, bool> which, int max)
    {
        lock (_sync)
        {
            return Task.FromResult<IReadOnlyList<AuditBatch>>([.. _batches.Values.Where(which).Take(max)]);
        }
    }
}
