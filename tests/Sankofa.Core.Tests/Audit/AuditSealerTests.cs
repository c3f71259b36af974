using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;

namespace Sankofa.Core.Tests.Audit;

public class AuditSealerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    internal static AuditEntry Unsealed(long id, string payload = "{}") =>
        new(id, Now.AddSeconds(id), "alice", "test.did", "thing-" + id, AuditHashing.PayloadHash(payload), payload, null);

    internal static (AuditBatch Batch, IReadOnlyList<AuditEntry> Entries) SealedBatch(int count) =>
        AuditSealer.Seal(new AuditChainHead(0, AuditHashing.Genesis.ToArray(), 0), Enumerable.Range(1, count).Select(i => Unsealed(i)).ToList(), Now);

    internal static OnChainRoot OnChain(AuditBatch b) => new(b.Id, b.Root, b.FirstSequence, b.Count, 7);

    [Fact]
    public void Sealing_links_each_entry_to_the_one_before_and_numbers_them_from_the_head()
    {
        var head = new AuditChainHead(41, Enumerable.Repeat((byte)9, 32).ToArray(), 3);
        var (batch, entries) = AuditSealer.Seal(head, [Unsealed(100), Unsealed(101), Unsealed(105)], Now);

        Assert.Equal(4, batch.Id);
        Assert.Equal(42, batch.FirstSequence);
        Assert.Equal([42L, 43L, 44L], entries.Select(e => e.Seal!.Sequence));
        Assert.Equal(head.LastHash, entries[0].Seal!.PreviousHash);
        Assert.Equal(entries[0].Seal!.Hash, entries[1].Seal!.PreviousHash);
        Assert.Equal(entries[1].Seal!.Hash, entries[2].Seal!.PreviousHash);
        Assert.Empty(AuditVerifier.CheckLinks(entries.Skip(1).ToList(), entries[0]));
    }

    [Fact]
    public void A_sealed_entry_verifies_against_its_on_chain_root()
    {
        var (batch, entries) = SealedBatch(10);
        foreach (var entry in entries)
        {
            var result = AuditVerifier.VerifyEntry(entry, batch, OnChain(batch));
            Assert.Equal(AuditVerificationStatus.Verified, result.Status);
            Assert.Empty(result.Problems);
        }
    }

    [Fact]
    public void Changing_an_entry_field_is_detected_and_named()
    {
        var (batch, entries) = SealedBatch(10);
        var tampered = entries[3] with { Actor = "mallory" };

        var result = AuditVerifier.VerifyEntry(tampered, batch, OnChain(batch));

        Assert.Equal(AuditVerificationStatus.Failed, result.Status);
        Assert.Contains(result.Problems, p => p.Contains("entry 4", StringComparison.Ordinal) && p.Contains("entry changed", StringComparison.Ordinal));
    }

    [Fact]
    public void Changing_the_payload_is_detected_even_when_its_hash_is_left_alone()
    {
        var (batch, entries) = SealedBatch(4);
        var tampered = entries[1] with { Payload = """{"amount":1000000}""" };

        var result = AuditVerifier.VerifyEntry(tampered, batch, OnChain(batch));

        Assert.Contains(result.Problems, p => p.Contains("payload changed", StringComparison.Ordinal));
    }

    [Fact]
    public void An_erased_payload_still_verifies_through_its_hash()
    {
        var (batch, entries) = SealedBatch(4);

        var result = AuditVerifier.VerifyEntry(entries[1] with { Payload = null }, batch, OnChain(batch));

        Assert.Equal(AuditVerificationStatus.Verified, result.Status);
    }

    [Fact]
    public void Changing_a_proof_is_detected()
    {
        var (batch, entries) = SealedBatch(8);
        var proof = entries[2].Seal!.Proof.ToArray();
        proof[0] ^= 1;

        var result = AuditVerifier.VerifyEntry(entries[2] with { Seal = entries[2].Seal! with { Proof = proof } }, batch, OnChain(batch));

        Assert.Equal(AuditVerificationStatus.Failed, result.Status);
        Assert.Contains(result.Problems, p => p.Contains("differs from the on-chain root of batch 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Changing_the_stored_root_is_detected_against_the_chain()
    {
        var (batch, entries) = SealedBatch(8);
        var onChain = OnChain(batch);
        var forged = batch with { Root = new byte[32] };

        var result = AuditVerifier.VerifyEntry(entries[0], forged, onChain);

        Assert.Equal(AuditVerificationStatus.Failed, result.Status);
        Assert.Contains(result.Problems, p => p.Contains("stored root differs from the on-chain root", StringComparison.Ordinal));
    }

    [Fact]
    public void A_root_the_store_calls_anchored_but_the_chain_lacks_fails()
    {
        var (batch, entries) = SealedBatch(2);
        var anchored = batch with { Anchor = new AnchorRecord("0xabc", 12, DateTimeOffset.UnixEpoch) };

        var result = AuditVerifier.VerifyEntry(entries[0], anchored, onChain: null);

        Assert.Equal(AuditVerificationStatus.Failed, result.Status);
        Assert.Contains(result.Problems, p => p.Contains("chain holds no root", StringComparison.Ordinal));
    }

    [Fact]
    public void An_entry_not_yet_anchored_is_pending_not_failed()
    {
        var (batch, entries) = SealedBatch(2);

        Assert.Equal(AuditVerificationStatus.Pending, AuditVerifier.VerifyEntry(entries[0], batch, onChain: null).Status);
        Assert.Equal(AuditVerificationStatus.Pending, AuditVerifier.VerifyEntry(Unsealed(9), null, null).Status);
    }

    [Fact]
    public void A_removed_entry_breaks_the_chain_links()
    {
        var (_, entries) = SealedBatch(5);
        var withGap = entries.Where(e => e.Id != 3).ToList();

        var problems = AuditVerifier.CheckLinks(withGap, null).ToList();

        Assert.Contains(problems, p => p.Contains("sequence 4 follows 2", StringComparison.Ordinal));
    }

    [Fact]
    public void The_entry_hash_is_a_stable_public_format()
    {
        // Pinned (computed independently with Python's hashlib) so that a change to the encoding, which would invalidate every proof ever issued, fails loudly.
        var hash = AuditHashing.EntryHash(1, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), "alice", "audit.recorded", "urn:x",
            AuditHashing.PayloadHash("{}"), AuditHashing.Genesis);

        Assert.Equal("63db0fd38e50e3010477f5985291c0a224a8f599f106dc918c681ed91064fd7a", Convert.ToHexStringLower(hash));
    }
}
