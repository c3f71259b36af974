using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;

namespace Sankofa.Data.Tests.Audit;

public class AuditStoreTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_123);

    private static NewAuditEntry Entry(int i, string actor = "alice") =>
        new(Now.AddMilliseconds(i), actor, "test.recorded", "subject-" + (i % 5), $$"""{"i":{{i}}}""", AuditHashing.PayloadHash($$"""{"i":{{i}}}"""));

    private static async Task<IReadOnlyList<AuditEntry>> SealedEntriesAsync(IAuditStore store) =>
        await store.GetSealedEntriesAsync(1, 100_000, CancellationToken.None);

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Migrations_match_the_model(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.CreateContext();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "the model changed without a migration for " + provider);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Sealed_entries_form_one_unbroken_chain_across_batches_and_verify_against_their_roots(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.Audit.AppendAsync(Enumerable.Range(0, 25).Select(i => Entry(i)).ToList(), CancellationToken.None);

        var batches = new List<AuditBatch>();
        while (await store.Audit.SealNextBatchAsync(10, Now, CancellationToken.None) is { } batch)
        {
            batches.Add(batch);
        }

        Assert.Equal([10, 10, 5], batches.Select(b => b.Count));
        Assert.Equal([1L, 2L, 3L], batches.Select(b => b.Id));
        var entries = await SealedEntriesAsync(store.Audit);
        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), entries.Select(e => e.Seal!.Sequence));
        Assert.Empty(AuditVerifier.CheckLinks(entries.Skip(1).ToList(), entries[0]));
        Assert.Equal(AuditHashing.Genesis.ToArray(), entries[0].Seal!.PreviousHash);
        foreach (var entry in entries)
        {
            var batch = batches.Single(b => b.Id == entry.Seal!.BatchId);
            var onChain = new OnChainRoot(batch.Id, batch.Root, batch.FirstSequence, batch.Count, 1);
            Assert.Equal(AuditVerificationStatus.Verified, AuditVerifier.VerifyEntry(entry, batch, onChain).Status);
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_batch_of_one_entry_is_stored_with_its_empty_proof_and_verifies(string provider)
    {
        // Its root is its own hash, so its proof has no sibling: stored as an empty value, not NULL (which the column refuses).
        await using var store = await TestStore.CreateAsync(provider);
        await store.Audit.AppendAsync([Entry(0)], CancellationToken.None);

        var batch = await store.Audit.SealNextBatchAsync(10, Now, CancellationToken.None);

        var entry = Assert.Single(await SealedEntriesAsync(store.Audit));
        Assert.Empty(entry.Seal!.Proof);
        Assert.Equal(entry.Seal.Hash, batch!.Root);
        var onChain = new OnChainRoot(batch.Id, batch.Root, batch.FirstSequence, batch.Count, 1);
        Assert.Equal(AuditVerificationStatus.Verified, AuditVerifier.VerifyEntry(entry, batch, onChain).Status);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_restored_store_seals_a_batch_the_chain_holds_only_when_it_rebuilds_it_exactly_and_keeps_its_gaps(string provider)
    {
        // What the lost store sealed after the backup point: batches 1 and 2 over the same 15 entries.
        await using var lost = await TestStore.CreateAsync(provider);
        await lost.Audit.AppendAsync(Enumerable.Range(0, 15).Select(i => Entry(i)).ToList(), CancellationToken.None);
        await lost.Audit.SealNextBatchAsync(10, Now, CancellationToken.None);
        var second = (await lost.Audit.SealNextBatchAsync(10, Now, CancellationToken.None))!;
        await using var restored = await TestStore.CreateAsync(provider);
        await restored.Audit.AppendAsync(Enumerable.Range(0, 15).Select(i => Entry(i)).ToList(), CancellationToken.None);
        await restored.Audit.SealNextBatchAsync(10, Now, CancellationToken.None);
        var onChain = new OnChainRoot(second.Id, second.Root, second.FirstSequence, second.Count, 7);

        Assert.Null(await restored.Audit.SealAsChainBatchAsync(onChain with { Root = new byte[32] }, Now, CancellationToken.None));
        Assert.Null(await restored.Audit.SealAsChainBatchAsync(onChain with { Count = 4 }, Now, CancellationToken.None));
        Assert.Null(await restored.Audit.SealAsChainBatchAsync(onChain with { BatchId = 3 }, Now, CancellationToken.None));
        Assert.Equal(5, (await restored.Audit.GetBacklogAsync(CancellationToken.None)).UnsealedEntries); // refused: nothing changed
        var rebuilt = await restored.Audit.SealAsChainBatchAsync(onChain, Now, CancellationToken.None);

        Assert.Equal(second.Root, rebuilt!.Root);
        Assert.Equal((2L, 11L, 5), (rebuilt.Id, rebuilt.FirstSequence, rebuilt.Count));
        Assert.Equal(0, (await restored.Audit.GetBacklogAsync(CancellationToken.None)).UnsealedEntries);
        var gap = new AuditChainGap(3, 9, 6, 1200, 40, 16, Now);
        await restored.Audit.RecordChainGapAsync(gap, CancellationToken.None);
        Assert.Equal([gap], await restored.Audit.GetChainGapsAsync(CancellationToken.None));
        Assert.Equal(9, await restored.Audit.GetLastBatchIdAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Several_batches_sealed_in_one_transaction_keep_ids_contiguous_and_their_proofs_valid(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.Audit.AppendAsync(Enumerable.Range(0, 25).Select(i => Entry(i)).ToList(), CancellationToken.None);
        Assert.Equal(Now, (await store.Audit.GetBacklogAsync(CancellationToken.None)).OldestUnanchoredSince);
        // Sealed one batch per transaction first, so that the transactions of several continue an existing chain.
        var first = await store.Audit.SealNextBatchAsync(4, Now, CancellationToken.None);

        var several = await store.Audit.SealNextBatchesAsync(10, 2, Now, CancellationToken.None);
        await store.Audit.AppendAsync(Enumerable.Range(25, 3).Select(i => Entry(i)).ToList(), CancellationToken.None);
        var rest = await store.Audit.SealNextBatchesAsync(10, 5, Now, CancellationToken.None);

        Assert.Empty(await store.Audit.SealNextBatchesAsync(10, 5, Now, CancellationToken.None));
        var batches = new[] { first! }.Concat(several).Concat(rest).ToList();
        Assert.Equal([4, 10, 10, 4], batches.Select(b => b.Count));
        Assert.Equal([1L, 2L, 3L, 4L], batches.Select(b => b.Id));
        Assert.Equal([1L, 5L, 15L, 25L], batches.Select(b => b.FirstSequence));
        var entries = await SealedEntriesAsync(store.Audit);
        Assert.Equal(Enumerable.Range(1, 28).Select(i => (long)i), entries.Select(e => e.Seal!.Sequence));
        Assert.Empty(AuditVerifier.CheckLinks(entries.Skip(1).ToList(), entries[0]));
        foreach (var entry in entries)
        {
            var batch = batches.Single(b => b.Id == entry.Seal!.BatchId);
            var onChain = new OnChainRoot(batch.Id, batch.Root, batch.FirstSequence, batch.Count, 1);
            Assert.Equal(AuditVerificationStatus.Verified, AuditVerifier.VerifyEntry(entry, batch, onChain).Status);
        }

        Assert.Equal(0, (await store.Audit.GetBacklogAsync(CancellationToken.None)).UnsealedEntries);
        Assert.Equal(4, (await store.Audit.GetUnanchoredBatchesAsync(10, CancellationToken.None)).Count);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Time_and_payload_survive_the_round_trip_exactly(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var appended = await store.Audit.AppendAsync([Entry(7)], CancellationToken.None);

        var read = await store.Audit.GetEntryAsync(appended[0].Id, CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal(Now.AddMilliseconds(7), read.Time);
        Assert.Equal("""{"i":7}""", read.Payload);
        Assert.Null(read.Seal);
        Assert.Null(await store.Audit.GetEntryAsync(999_999, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_entry_is_read_with_its_seal_and_batch_in_one_query_as_it_reads_in_two(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var appended = await store.Audit.AppendAsync(Enumerable.Range(0, 5).Select(i => Entry(i)).ToList(), CancellationToken.None);
        await store.Audit.SealNextBatchAsync(3, Now, CancellationToken.None);
        await store.Audit.SealNextBatchAsync(1, Now, CancellationToken.None);
        await store.Audit.MarkAnchoredAsync([(1, new AnchorRecord("0x01", 10, Now.AddSeconds(1)))], CancellationToken.None);

        // Anchored (batch 1), sealed only (batch 2), pending (never sealed).
        foreach (var (entry, status) in new[] { (appended[1], "anchored"), (appended[3], "sealed"), (appended[4], "pending") })
        {
            var view = await store.Audit.GetEntryViewAsync(entry.Id, CancellationToken.None);
            var alone = (await store.Audit.GetEntryAsync(entry.Id, CancellationToken.None))!;
            var batch = alone.Seal is { } seal ? await store.Audit.GetBatchAsync(seal.BatchId, CancellationToken.None) : null;

            Assert.NotNull(view);
            Assert.Equivalent(alone, view.Entry, strict: true);
            Assert.Equivalent(batch, view.Batch, strict: true);
            Assert.Equal(status, view.Entry.Seal is null ? "pending" : view.Batch?.Anchor is null ? "sealed" : "anchored");
        }

        Assert.Null(await store.Audit.GetEntryViewAsync(999_999, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Anchoring_state_moves_forward_and_back_when_the_chain_loses_a_root(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.Audit.AppendAsync(Enumerable.Range(0, 6).Select(i => Entry(i)).ToList(), CancellationToken.None);
        await store.Audit.SealNextBatchAsync(3, Now, CancellationToken.None);
        await store.Audit.SealNextBatchAsync(3, Now, CancellationToken.None);
        Assert.Equal([1L, 2L], (await store.Audit.GetUnanchoredBatchesAsync(10, CancellationToken.None)).Select(b => b.Id));

        await store.Audit.MarkAnchoredAsync([(1, new AnchorRecord("0x01", 10, Now)), (2, new AnchorRecord("0x02", 11, Now))], CancellationToken.None);
        Assert.Empty(await store.Audit.GetUnanchoredBatchesAsync(10, CancellationToken.None));
        Assert.Equal(11, (await store.Audit.GetBatchAsync(2, CancellationToken.None))!.Anchor!.BlockNumber);

        await store.Audit.MarkUnanchoredAsync([2], CancellationToken.None);
        Assert.Equal([2L], (await store.Audit.GetUnanchoredBatchesAsync(10, CancellationToken.None)).Select(b => b.Id));
        Assert.Equal([1L], (await store.Audit.GetAnchoredBatchesAsync(0, 10, CancellationToken.None)).Select(b => b.Id));
        var backlog = await store.Audit.GetBacklogAsync(CancellationToken.None);
        Assert.Equal(0, backlog.UnsealedEntries);
        Assert.Equal(1, backlog.UnanchoredBatches);
        Assert.Equal(Now, backlog.LastAnchoredAt);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Paging_by_cursor_returns_every_matching_entry_once_newest_first(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.Audit.AppendAsync(Enumerable.Range(0, 23).Select(i => Entry(i, i % 2 == 0 ? "alice" : "bob")).ToList(), CancellationToken.None);

        var seen = new List<AuditEntry>();
        long? before = null;
        do
        {
            var page = await store.Audit.ListEntriesAsync(new AuditQuery(Actor: "alice", Before: before, Limit: 5), CancellationToken.None);
            seen.AddRange(page.Items);
            before = page.NextBefore;
        }
        while (before is not null);

        Assert.Equal(12, seen.Count);
        Assert.All(seen, e => Assert.Equal("alice", e.Actor));
        Assert.Equal(seen.Select(e => e.Id).OrderDescending(), seen.Select(e => e.Id));
        var window = await store.Audit.ListEntriesAsync(new AuditQuery(From: Now.AddMilliseconds(10), To: Now.AddMilliseconds(13)), CancellationToken.None);
        Assert.Equal(3, window.Items.Count);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_unfiltered_newest_first_pages_read_the_same_entries_and_seals_as_a_filtered_read(string provider)
    {
        // Sealed entries (with proofs, batches of one with their empty proofs) and pending ones: the
        // unfiltered list reads through its own compiled join; a filter that keeps everything goes through the general query.
        await using var store = await TestStore.CreateAsync(provider);
        await store.Audit.AppendAsync(Enumerable.Range(0, 7).Select(i => Entry(i)).ToList(), CancellationToken.None);
        Assert.NotNull(await store.Audit.SealNextBatchAsync(6, Now, CancellationToken.None));
        Assert.NotNull(await store.Audit.SealNextBatchAsync(6, Now, CancellationToken.None));
        await store.Audit.AppendAsync([Entry(7)], CancellationToken.None);
        Assert.NotNull(await store.Audit.SealNextBatchAsync(6, Now, CancellationToken.None));
        await store.Audit.AppendAsync([Entry(8), Entry(9)], CancellationToken.None);

        static string Shown(AuditEntry e) => System.Text.Json.JsonSerializer.Serialize(e);
        var everything = await store.Audit.ListEntriesAsync(new AuditQuery(From: Now.AddDays(-1), Limit: 100), CancellationToken.None);
        Assert.Equal(10, everything.Items.Count);
        Assert.Equal(8, everything.Items.Count(e => e.Seal is not null));
        var paged = new List<AuditEntry>();
        long? before = null;
        do
        {
            var page = await store.Audit.ListEntriesAsync(new AuditQuery(Before: before, Limit: 3), CancellationToken.None);
            paged.AddRange(page.Items);
            before = page.NextBefore;
        }
        while (before is not null);

        Assert.Equal(everything.Items.Select(Shown), paged.Select(Shown));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Entries_written_by_any_path_wait_to_be_sealed_and_are_sealed_once_in_id_order(string provider)
    {
        // The log's appends and a plain INSERT (as audited writes and the resource writer make) between seals.
        await using var store = await TestStore.CreateAsync(provider);
        async Task InsertRawAsync(int i)
        {
            await using var db = store.CreateContext();
            var e = Entry(i, "raw");
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO audit_entries (time_ms, actor, action, subject, payload, payload_hash)
                VALUES ({e.Time.ToUnixTimeMilliseconds()}, {e.Actor}, {e.Action}, {e.Subject}, {e.Payload}, {e.PayloadHash})
                """);
        }

        await store.Audit.AppendAsync([Entry(0), Entry(1)], CancellationToken.None);
        await InsertRawAsync(2);
        var backlog = await store.Audit.GetBacklogAsync(CancellationToken.None);
        Assert.Equal(3, backlog.UnsealedEntries);
        Assert.Equal(2, (await store.Audit.SealNextBatchAsync(2, Now, CancellationToken.None))!.Count);
        Assert.Equal(1, (await store.Audit.GetBacklogAsync(CancellationToken.None)).UnsealedEntries);
        await InsertRawAsync(3);
        await store.Audit.AppendAsync([Entry(4)], CancellationToken.None);
        Assert.Equal(3, (await store.Audit.SealNextBatchAsync(10, Now, CancellationToken.None))!.Count);
        Assert.Null(await store.Audit.SealNextBatchAsync(10, Now, CancellationToken.None));

        Assert.Equal(0, (await store.Audit.GetBacklogAsync(CancellationToken.None)).UnsealedEntries);
        var entries = await SealedEntriesAsync(store.Audit);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], entries.Select(e => e.Seal!.Sequence));
        Assert.Equal(entries.Select(e => e.Id).Order(), entries.Select(e => e.Id));
        Assert.Equal(["alice", "alice", "raw", "raw", "alice"], entries.Select(e => e.Actor));
        Assert.Empty(AuditVerifier.CheckLinks(entries.Skip(1).ToList(), entries[0]));
        await using var check = store.CreateContext();
        var queued = await check.Database.SqlQuery<long>($"SELECT COUNT(*) AS \"Value\" FROM audit_unsealed").SingleAsync();
        Assert.Equal(0, queued); // PostgreSQL: dequeued as sealed; SQLite: never queued
        if (provider == "sqlite")
        {
            var triggers = await check.Database.SqlQuery<long>($"SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entries'").SingleAsync();
            Assert.Equal(0, triggers);
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Appends_racing_the_sealer_are_each_sealed_exactly_once(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        using var done = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await store.Audit.AppendAsync([Entry((w * 100) + i), Entry((w * 100) + i + 50)], CancellationToken.None);
            }
        })).ToArray();
        var sealer = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await store.Audit.SealNextBatchAsync(7, Now, CancellationToken.None);
            }
        });

        await Task.WhenAll(writers);
        await done.CancelAsync();
        await sealer;
        while (await store.Audit.SealNextBatchAsync(7, Now, CancellationToken.None) is not null)
        {
        }

        var entries = await SealedEntriesAsync(store.Audit);
        Assert.Equal(200, entries.Count);
        Assert.Equal(200, entries.Select(e => e.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), entries.Select(e => e.Seal!.Sequence));
        Assert.Empty(AuditVerifier.CheckLinks(entries.Skip(1).ToList(), entries[0]));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Seals_stored_on_the_entries_before_the_seal_table_are_kept_and_the_chain_continues_from_them(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider, start: false);
        var old = Enumerable.Range(0, 3).Select(i => Entry(i)).ToList();
        AuditBatch oldBatch;
        IReadOnlyList<AuditEntry> oldSealed;
        await using (var db = test.CreateContext())
        {
            var migrator = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
            await migrator.MigrateAsync("AccountNameIndex"); // the schema that kept seals in audit_entries
            foreach (var e in old)
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO audit_entries (time_ms, actor, action, subject, payload, payload_hash)
                    VALUES ({e.Time.ToUnixTimeMilliseconds()}, {e.Actor}, {e.Action}, {e.Subject}, {e.Payload}, {e.PayloadHash})
                    """);
            }

            var ids = await db.Database.SqlQuery<long>($"SELECT id AS \"Value\" FROM audit_entries ORDER BY id").ToListAsync();
            // The first two were sealed as batch 1 by the old sealer; the third was still waiting.
            (oldBatch, oldSealed) = AuditSealer.Seal(
                new AuditChainHead(0, AuditHashing.Genesis.ToArray(), 0),
                [.. old.Take(2).Select((e, i) => new AuditEntry(ids[i], e.Time, e.Actor, e.Action, e.Subject, e.PayloadHash, e.Payload, null))],
                Now);
            foreach (var e in oldSealed)
            {
                var seal = e.Seal!;
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE audit_entries SET sequence = {seal.Sequence}, previous_hash = {seal.PreviousHash}, hash = {seal.Hash},
                        batch_id = {seal.BatchId}, leaf_index = {seal.LeafIndex}, proof = {seal.Proof} WHERE id = {e.Id}
                    """);
            }

            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO audit_batches (id, root, first_sequence, count, sealed_at_ms)
                VALUES ({oldBatch.Id}, {oldBatch.Root}, {oldBatch.FirstSequence}, {oldBatch.Count}, {Now.ToUnixTimeMilliseconds()})
                """);
            await migrator.MigrateAsync();
        }

        var kept = await SealedEntriesAsync(test.Audit);
        Assert.Equal(oldSealed.Select(e => (e.Id, e.Seal!.Sequence, e.Seal.BatchId, e.Seal.LeafIndex)), kept.Select(e => (e.Id, e.Seal!.Sequence, e.Seal.BatchId, e.Seal.LeafIndex)));
        Assert.Equal(oldSealed.Select(e => e.Seal!.Proof), kept.Select(e => e.Seal!.Proof));
        Assert.Equal(1, (await test.Audit.GetBacklogAsync(CancellationToken.None)).UnsealedEntries);

        var next = await test.Audit.SealNextBatchAsync(10, Now, CancellationToken.None);
        await test.Audit.AppendAsync([Entry(3)], CancellationToken.None); // waiting: queued by PostgreSQL's trigger, after the last sealed on SQLite
        var last = await test.Audit.SealNextBatchAsync(10, Now, CancellationToken.None);

        Assert.Equal((2L, 3L, 1), (next!.Id, next.FirstSequence, next.Count));
        Assert.Equal((3L, 4L, 1), (last!.Id, last.FirstSequence, last.Count));
        var entries = await SealedEntriesAsync(test.Audit);
        Assert.Equal(4, entries.Count);
        Assert.Empty(AuditVerifier.CheckLinks(entries.Skip(1).ToList(), entries[0]));
        var first = entries[0];
        Assert.Equal(AuditVerificationStatus.Verified,
            AuditVerifier.VerifyEntry(first, oldBatch, new OnChainRoot(oldBatch.Id, oldBatch.Root, oldBatch.FirstSequence, oldBatch.Count, 1)).Status);
    }
}
