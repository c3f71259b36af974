using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Core.Tests.Fakes;

namespace Sankofa.Core.Tests.Audit;

/// <summary>The anchorer against in-memory fakes of the audit store and the chain: anchoring, an unreachable chain, lost roots.</summary>
public sealed class AuditAnchorerTests
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly FakeAuditStore store = new();
    private readonly FakeAuditAnchorLedger chain = new();
    private readonly AuditOptions options = new() { BatchesPerAnchor = 4, ReconcileWindow = 3 };
    private readonly AuditAnchorer anchorer;

    public AuditAnchorerTests() => anchorer = new AuditAnchorer(store, chain, options, time);

    [Fact]
    public async Task Sealed_batches_are_anchored_oldest_first_and_marked_with_where_they_landed()
    {
        Queue(6);

        Assert.Equal(60, await anchorer.SealAsync(maxBatches: 10, CancellationToken.None));
        var first = await anchorer.AnchorAsync(CancellationToken.None);
        var second = await anchorer.AnchorAsync(CancellationToken.None);

        Assert.Equal([1L, 2, 3, 4], first.Select(b => b.Id));
        Assert.Equal([5L, 6], second.Select(b => b.Id));
        Assert.Empty(await anchorer.AnchorAsync(CancellationToken.None));
        Assert.All(store.Batches, b => Assert.Equal(time.GetUtcNow(), b.Anchor?.AnchoredAt));
        Assert.Equal(6, (await chain.GetRootsAsync([1, 2, 3, 4, 5, 6], CancellationToken.None)).Count);
    }

    [Fact]
    public async Task While_the_chain_is_unreachable_nothing_is_marked_anchored_and_it_drains_when_the_chain_returns()
    {
        Queue(2);
        await anchorer.SealAsync(10, CancellationToken.None);
        chain.Unreachable = true;

        await Assert.ThrowsAsync<LedgerUnavailableException>(() => anchorer.AnchorAsync(CancellationToken.None));
        Assert.All(store.Batches, b => Assert.Null(b.Anchor));

        chain.Unreachable = false;
        Assert.Equal(2, (await anchorer.AnchorAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Roots_the_chain_lost_with_its_last_blocks_are_found_and_anchored_again_once()
    {
        Queue(2);
        await anchorer.SealAsync(10, CancellationToken.None);
        await anchorer.AnchorAsync(CancellationToken.None);
        var snapshot = chain.Snapshot();
        Queue(2, firstId: 3);
        await anchorer.SealAsync(10, CancellationToken.None);
        await anchorer.AnchorAsync(CancellationToken.None);
        chain.Revert(snapshot);

        var missing = await anchorer.ReconcileAsync(full: false, CancellationToken.None);
        var again = await anchorer.AnchorAsync(CancellationToken.None);

        Assert.Equal([3L, 4], missing);
        Assert.Equal([3L, 4], again.Select(b => b.Id));
        Assert.Equal(4, (await chain.GetRootsAsync([1, 2, 3, 4], CancellationToken.None)).Count);
        Assert.Empty(await anchorer.ReconcileAsync(full: true, CancellationToken.None));
        Assert.Equal(6, chain.Sent); // four first, the two lost ones again; nothing else repeated
    }

    [Fact]
    public async Task A_periodic_check_looks_at_the_newest_batches_and_a_full_one_at_every_batch()
    {
        Queue(8);
        await anchorer.SealAsync(10, CancellationToken.None);
        await anchorer.AnchorAsync(CancellationToken.None);
        await anchorer.AnchorAsync(CancellationToken.None);
        chain.Revert(chain.Snapshot().Where(r => r.Key != 1).ToDictionary()); // an old root lost with the chain's state

        Assert.Empty(await anchorer.ReconcileAsync(full: false, CancellationToken.None));
        Assert.Equal([1L], await anchorer.ReconcileAsync(full: true, CancellationToken.None));
    }

    [Fact]
    public async Task Batches_the_chain_holds_beyond_a_restored_store_are_recorded_once_as_a_gap_whose_ids_are_never_sealed_again()
    {
        Queue(5);
        await anchorer.SealAsync(10, CancellationToken.None);
        await anchorer.AnchorAsync(CancellationToken.None);
        await anchorer.AnchorAsync(CancellationToken.None); // four batches a round
        // Anchored out of order past a hole, as parallel chunks can leave it: found across the probe's pages.
        await chain.AnchorAsync([new AnchorRequest(300, RandomNumberGenerator.GetBytes(32), 2991, 10)], CancellationToken.None);
        var restored = new FakeAuditStore();
        foreach (var batch in store.Batches.Take(2))
        {
            restored.Waiting.Enqueue(batch);
        }

        var afterRestore = new AuditAnchorer(restored, chain, options, time);
        await afterRestore.SealAsync(10, CancellationToken.None);
        await afterRestore.AnchorAsync(CancellationToken.None);

        var comparison = await afterRestore.CompareWithChainAsync(CancellationToken.None);

        var gap = new AuditChainGap(3, 300, 4, 40, 0, 21, time.GetUtcNow());
        Assert.Equal(new AuditChainComparison(0, gap), comparison);
        Assert.Equal([gap], await restored.GetChainGapsAsync(CancellationToken.None));
        Assert.Equal(300, await restored.GetLastBatchIdAsync(CancellationToken.None));
        Assert.Equal(new AuditChainComparison(0, null), await afterRestore.CompareWithChainAsync(CancellationToken.None));
    }

    [Fact]
    public async Task After_a_restore_batches_the_store_rebuilds_exactly_keep_their_ids_and_the_rest_is_a_gap_that_counts_what_is_sealed_again()
    {
        Queue(4);
        await anchorer.SealAsync(10, CancellationToken.None);
        await anchorer.AnchorAsync(CancellationToken.None);
        // The backup holds batch 1 sealed, batch 2's entries waiting (sealed after the backup point, exactly as before),
        // and of batch 3 only 6 entries: the other 4 were accepted after the backup and lost with it.
        var restored = new FakeAuditStore();
        restored.Waiting.Enqueue(store.Batches[0]);
        var afterRestore = new AuditAnchorer(restored, chain, options, time);
        await afterRestore.SealAsync(1, CancellationToken.None);
        restored.Waiting.Enqueue(store.Batches[1]);
        restored.Waiting.Enqueue(new AuditBatch(3, RandomNumberGenerator.GetBytes(32), 21, 6, time.GetUtcNow(), null));

        var comparison = await afterRestore.CompareWithChainAsync(CancellationToken.None);

        Assert.Equal(new AuditChainComparison(1, new AuditChainGap(3, 4, 2, 20, 6, 21, time.GetUtcNow())), comparison);
        Assert.Equal([1L, 2], restored.Batches.Select(b => b.Id));
        Assert.Equal(store.Batches[1].Root, restored.Batches[1].Root);
        Assert.Null(restored.Batches[1].Anchor); // anchored again: the contract keeps the root it holds, without a second event
        Assert.Equal(4, await restored.GetLastBatchIdAsync(CancellationToken.None));
    }

    private void Queue(int batches, int firstId = 1)
    {
        for (var id = firstId; id < firstId + batches; id++)
        {
            store.Waiting.Enqueue(new AuditBatch(id, RandomNumberGenerator.GetBytes(32), ((id - 1) * 10) + 1, 10, time.GetUtcNow(), null));
        }
    }
}
