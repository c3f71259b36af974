using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.Retention;

namespace Sankofa.Data.Tests.Retention;

/// <summary>Removing whole anchored batches from the hot audit log, on SQLite and PostgreSQL, and sealing on after it.</summary>
public class AuditRetentionStoreTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    private static NewAuditEntry Entry(int i) =>
        new(Now.AddSeconds(i), "alice", "test.recorded", "thing-" + i, "{}", AuditHashing.PayloadHash("{}"));

    private static AuditRemoval RemovalOf(AuditRemovalPlan plan) => new(
        plan.NextId, AuditRemovalKind.Archived, Now.AddDays(1), Now.AddDays(1), plan.Batches[0].Id, plan.Batches[^1].Id,
        plan.Entries[0].Seal!.Sequence, plan.Entries[^1].Seal!.Sequence, plan.Entries[0].Time, plan.Entries[^1].Time,
        AuditBoundary.Of(plan.Entries[^1]), "archive.json", new byte[32]);

    private static readonly AuditEvent Audited = new("op", "audit.archived", "audit-archive:1", "{}");

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Whole_anchored_batches_leave_the_hot_store_and_the_chain_continues_from_the_last_one_removed(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.Audit.AppendAsync([.. Enumerable.Range(1, 12).Select(Entry)], CancellationToken.None);
        while (await store.Audit.SealNextBatchAsync(4, Now, CancellationToken.None) is not null)
        {
        }

        await store.Audit.MarkAnchoredAsync([(1, new AnchorRecord("0x01", 5, Now)), (2, new AnchorRecord("0x02", 6, Now))], CancellationToken.None);

        // Batch 3 is not anchored: the plan stops before it; a cut-off inside batch 2 stops before batch 2.
        var plan = await store.Retention.PlanRemovalAsync(Now.AddDays(1), 1000, CancellationToken.None);
        var partial = await store.Retention.PlanRemovalAsync(Now.AddSeconds(6), 1000, CancellationToken.None);
        Assert.Equal([1L, 2L], plan!.Batches.Select(b => b.Id));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), plan.Entries.Select(e => e.Seal!.Sequence));
        Assert.Null(plan.Previous);
        Assert.Equal([1L], partial!.Batches.Select(b => b.Id));

        await store.Retention.CommitRemovalAsync(RemovalOf(plan), Audited, CancellationToken.None);
        await Assert.ThrowsAsync<StoreConflictException>(() => store.Retention.CommitRemovalAsync(RemovalOf(partial), Audited, CancellationToken.None));

        var hot = await store.Audit.GetSealedEntriesAsync(1, 100, CancellationToken.None);
        Assert.Equal([9L, 10L, 11L, 12L], hot.Select(e => e.Seal!.Sequence));
        var removal = Assert.Single(await store.Retention.ListRemovalsAsync(CancellationToken.None));
        Assert.Equal((1L, 8L, 2L), (removal.FirstSequence, removal.LastSequence, removal.Last.BatchId));
        Assert.Empty(AuditArchiveVerifier.CheckContinuation(removal.Last, hot[0]));
        Assert.NotNull(await store.Audit.GetBatchAsync(1, CancellationToken.None));

        // Everything sealed archived: the next seal continues from sequence 12 (and the audit entry of the removal is
        // sealed first, after it).
        await store.Audit.MarkAnchoredAsync([(3, new AnchorRecord("0x03", 7, Now))], CancellationToken.None);
        var rest = await store.Retention.PlanRemovalAsync(Now.AddDays(1), 1000, CancellationToken.None);
        Assert.Equal(8, rest!.Previous!.Sequence);
        await store.Retention.CommitRemovalAsync(RemovalOf(rest), Audited, CancellationToken.None);
        Assert.Empty(await store.Audit.GetSealedEntriesAsync(1, 100, CancellationToken.None));

        var next = await store.Audit.SealNextBatchAsync(10, Now, CancellationToken.None);
        var sealedAfter = await store.Audit.GetSealedEntriesAsync(1, 100, CancellationToken.None);
        Assert.Equal(4, next!.Id);
        Assert.Equal(13, sealedAfter[0].Seal!.Sequence);
        Assert.Equal(rest.Entries[^1].Seal!.Hash, sealedAfter[0].Seal!.PreviousHash);
    }
}
