using System.Text;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Core.Retention;

namespace Sankofa.Core.Tests.Retention;

/// <summary>An archive verifies against the roots on chain alone, and every kind of change to it is caught and named.</summary>
public class AuditArchiveVerifierTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    private readonly List<AuditBatch> batches = [];
    private readonly List<AuditEntry> entries = [];

    public AuditArchiveVerifierTests()
    {
        // Three batches of 4, 3 and 5 entries, chained.
        var head = new AuditChainHead(0, AuditHashing.Genesis.ToArray(), 0);
        var id = 1;
        foreach (var size in new[] { 4, 3, 5 })
        {
            var unsealed = Enumerable.Range(id, size).Select(i => new AuditEntry(
                i, Now.AddSeconds(i), "alice", "test.did", "thing-" + i, AuditHashing.PayloadHash("{\"i\":" + i + "}"), "{\"i\":" + i + "}", null)).ToList();
            var (batch, sealedEntries) = AuditSealer.Seal(head, unsealed, Now);
            batches.Add(batch);
            entries.AddRange(sealedEntries);
            head = new AuditChainHead(sealedEntries[^1].Seal!.Sequence, sealedEntries[^1].Seal!.Hash, batch.Id);
            id += size;
        }
    }

    private Dictionary<long, OnChainRoot> Roots => batches.ToDictionary(b => b.Id, b => new OnChainRoot(b.Id, b.Root, b.FirstSequence, b.Count, 5));

    private AuditArchive Archive(long firstBatch, long lastBatch, AuditBoundary? previous) => new(
        1, Now, Now, previous, [.. batches.Where(b => b.Id >= firstBatch && b.Id <= lastBatch)],
        [.. entries.Where(e => e.Seal!.BatchId >= firstBatch && e.Seal.BatchId <= lastBatch)]);

    [Fact]
    public void An_archive_from_the_start_verifies_against_the_roots_on_chain()
    {
        var result = AuditArchiveVerifier.Verify(Archive(1, 2, null), Roots);

        Assert.Equal(AuditVerificationStatus.Verified, result.Status);
        Assert.Equal((7L, 2L), (result.EntriesChecked, result.BatchesChecked));
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void A_later_archive_verifies_its_link_to_the_entry_before_it_through_that_entrys_proof()
    {
        var boundary = AuditBoundary.Of(entries[6]);
        var archive = Archive(3, 3, boundary);

        Assert.Equal([2L, 3L], AuditArchiveVerifier.BatchesToRead(archive));
        Assert.Equal(AuditVerificationStatus.Verified, AuditArchiveVerifier.Verify(archive, Roots).Status);

        var forged = archive with { Previous = boundary with { Hash = new byte[32] } };
        var failed = AuditArchiveVerifier.Verify(forged, Roots);
        Assert.Contains(failed.Problems, p => p.StartsWith("sequence 7 (the last entry removed before): its hash and proof do not lead to the on-chain root of batch 2", StringComparison.Ordinal));
        Assert.Contains(failed.Problems, p => p.Contains("chain broken", StringComparison.Ordinal));
    }

    [Fact]
    public void A_changed_entry_a_missing_entry_and_a_missing_root_are_each_named()
    {
        var archive = Archive(1, 2, null);
        var changed = archive with { Entries = [.. archive.Entries.Select(e => e.Id == 2 ? e with { Subject = "forged" } : e)] };
        var missing = archive with { Entries = [.. archive.Entries.Where(e => e.Id != 6)] };

        Assert.Contains(AuditArchiveVerifier.Verify(changed, Roots).Problems, p => p.StartsWith("entry 2 (sequence 2): its fields do not hash", StringComparison.Ordinal));
        var gaps = AuditArchiveVerifier.Verify(missing, Roots).Problems;
        Assert.Contains(gaps, p => p == "batch 2: the chain records 3 entries but the archive holds 2 (entries missing from the archive)");
        Assert.Contains(gaps, p => p.Contains("entries missing from the chain", StringComparison.Ordinal));
        var noRoot = AuditArchiveVerifier.Verify(archive, Roots.Where(r => r.Key != 1).ToDictionary());
        Assert.Contains(noRoot.Problems, p => p == "batch 1: the chain holds no root for it");
    }

    [Fact]
    public void An_archive_that_starts_after_genesis_without_a_previous_entry_fails()
    {
        var result = AuditArchiveVerifier.Verify(Archive(2, 3, null), Roots);

        Assert.Equal(AuditVerificationStatus.Failed, result.Status);
        Assert.Contains(result.Problems, p => p == "archive 1 starts at sequence 5 but names no previous entry to link to");
    }

    [Fact]
    public async Task The_file_format_round_trips_and_refuses_what_is_not_an_archive()
    {
        var archive = Archive(2, 3, AuditBoundary.Of(entries[3]));
        using var stream = new MemoryStream();
        await AuditArchiveFormat.WriteAsync(stream, archive, CancellationToken.None);
        var json = Encoding.UTF8.GetString(stream.ToArray());
        stream.Position = 0;

        var read = await AuditArchiveFormat.ReadAsync(stream, CancellationToken.None);

        Assert.StartsWith("{\"format\":\"sankofa.audit-archive/1\",\"archive\":1,", json, StringComparison.Ordinal);
        Assert.Equal(AuditVerificationStatus.Verified, AuditArchiveVerifier.Verify(read, Roots).Status);
        Assert.Equal(archive.Entries.Select(e => e.Seal!.Hash), read.Entries.Select(e => e.Seal!.Hash));
        await Assert.ThrowsAsync<FormatException>(() => AuditArchiveFormat.ReadAsync(new MemoryStream("{\"format\":\"other\"}"u8.ToArray()), CancellationToken.None));
    }
}
