using Sankofa.Core.Audit;
using Sankofa.Core.PersonalData;
using Sankofa.Core.Tests.Identity.Fakes;

namespace Sankofa.Core.Tests.PersonalData;

/// <summary>
/// The personal-data store port in memory, erasing through the in-memory account store (whose audit events it shares),
/// and an audit store port that lists those events as entries, as the export reads them.
/// </summary>
internal sealed class InMemoryPersonalDataStore(InMemoryAccountStore accounts) : IPersonalDataStore, IAuditStore
{
    private readonly Dictionary<string, SubjectKeyRecord> keys = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Subject, string Field), string> fields = [];

    public IReadOnlyDictionary<(string Subject, string Field), string> Fields => fields;

    public Task<SubjectKeyRecord?> GetKeyAsync(string subjectId, CancellationToken cancellationToken) => Task.FromResult(keys.GetValueOrDefault(subjectId));

    public Task<SubjectKeyRecord?> GetAnyKeyAsync(CancellationToken cancellationToken) =>
        Task.FromResult(keys.Values.Where(k => k.WrappedKey is not null).OrderBy(k => k.CreatedAt).FirstOrDefault());

    public Task<SubjectKeyRecord> AddKeyAsync(string subjectId, byte[] wrappedKey, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(keys.TryGetValue(subjectId, out var held) ? held : keys[subjectId] = new SubjectKeyRecord(subjectId, wrappedKey, now, null));

    public Task StoreFieldsAsync(string subjectId, IReadOnlyDictionary<string, string> sealedFields, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var (field, value) in sealedFields)
        {
            fields[(subjectId, field)] = value;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, string>> GetFieldsAsync(string subjectId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(fields.Where(f => f.Key.Subject == subjectId).ToDictionary(f => f.Key.Field, f => f.Value));

    public Task ForgetAsync(string subjectId, CancellationToken cancellationToken)
    {
        keys.Remove(subjectId);
        foreach (var key in fields.Keys.Where(k => k.Subject == subjectId).ToList())
        {
            fields.Remove(key);
        }

        return Task.CompletedTask;
    }

    public async Task<bool> EraseAsync(SubjectErasure erasure, AuditEvent audit, CancellationToken cancellationToken)
    {
        if (keys.GetValueOrDefault(erasure.SubjectId) is { ErasedAt: not null })
        {
            return false;
        }

        // Kept in whole milliseconds, as the store's erased_at_ms is.
        var at = DateTimeOffset.FromUnixTimeMilliseconds(erasure.At.ToUnixTimeMilliseconds());
        keys[erasure.SubjectId] = new SubjectKeyRecord(erasure.SubjectId, null, keys.GetValueOrDefault(erasure.SubjectId)?.CreatedAt ?? at, at);
        var account = (await accounts.GetAsync(erasure.SubjectId, cancellationToken))!;
        await accounts.UpdateAsync(account with { Name = SubjectAccessService.TombstoneName(erasure.SubjectId), SubjectSalt = null, SecretHash = string.Empty }, [], audit, cancellationToken);
        return true;
    }

    public Task<AuditPage> ListEntriesAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var entries = accounts.Audit
            .Select((e, i) => new AuditEntry(i + 1, DateTimeOffset.UnixEpoch, e.Actor, e.Action, e.Subject, AuditHashing.PayloadHash(e.Payload), e.Payload, null))
            .Where(e => (query.Actor is null || e.Actor == query.Actor) && (query.Subject is null || e.Subject == query.Subject))
            .OrderByDescending(e => e.Id).ToList();
        return Task.FromResult(new AuditPage(entries, null));
    }

    public Task<IReadOnlyList<AuditEntry>> AppendAsync(IReadOnlyList<NewAuditEntry> entries, CancellationToken cancellationToken) => throw new NotSupportedException();

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
