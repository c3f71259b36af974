using Sankofa.Core.Audit;

namespace Sankofa.Core.Tests.Agents;

/// <summary>Audit entries in memory as appended, listed newest first by action and subject; the sealing and anchoring side throws.</summary>
internal sealed class RecordingAuditStore : IAuditStore
{
    private readonly Lock _sync = new();
    private readonly List<AuditEntry> _entries = [];

    /// <summary>Every entry, oldest first.</summary>
    public IReadOnlyList<AuditEntry> Entries
    {
        get
        {
            lock (_sync)
            {
                return [.. _entries];
            }
        }
    }

    public Task<IReadOnlyList<AuditEntry>> AppendAsync(IReadOnlyList<NewAuditEntry> entries, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var stored = entries.Select(e => new AuditEntry(_entries.Count + 1, e.Time, e.Actor, e.Action, e.Subject, e.PayloadHash, e.Payload, null)).ToList();
            _entries.AddRange(stored);
            return Task.FromResult<IReadOnlyList<AuditEntry>>(stored);
        }
    }

    public Task<AuditPage> ListEntriesAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var items = Enumerable.Reverse(_entries)
                .Where(e => (query.Action is null || e.Action == query.Action) && (query.Subject is null || e.Subject == query.Subject))
                .Take(query.Limit).ToList();
            return Task.FromResult(new AuditPage(items, null));
        }
    }

    public Task<AuditBatch?> SealNextBatchAsync(int maxEntries, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<AuditBatch?> SealAsChainBatchAsync(Sankofa.Core.Ledger.OnChainRoot batch, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<AuditBatch>> GetUnanchoredBatchesAsync(int max, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task MarkAnchoredAsync(IReadOnlyList<(long BatchId, AnchorRecord Anchor)> anchors, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task MarkUnanchoredAsync(IReadOnlyList<long> batchIds, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<AuditBatch>> GetAnchoredBatchesAsync(long afterBatchId, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<AuditEntry?> GetEntryAsync(long id, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<AuditBatch?> GetBatchAsync(long id, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<AuditEntry>> GetSealedEntriesAsync(long fromSequence, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<AuditBacklog> GetBacklogAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<long> GetLastBatchIdAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task RecordChainGapAsync(AuditChainGap gap, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<AuditChainGap>> GetChainGapsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
}
