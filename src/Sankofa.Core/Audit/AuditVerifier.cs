using Sankofa.Core.Ledger;

namespace Sankofa.Core.Audit;

/// <summary>Outcome of checking an entry or the whole log.</summary>
public enum AuditVerificationStatus
{
    /// <summary>Everything matches the root the chain holds.</summary>
    Verified,

    /// <summary>Not sealed or not anchored yet: nothing is wrong, it cannot be proven yet.</summary>
    Pending,

    /// <summary>Something does not match; the problems say what.</summary>
    Failed,
}

/// <summary>What verifying one entry found.</summary>
/// <param name="EntryId">The entry.</param>
/// <param name="Status">Verified, pending or failed.</param>
/// <param name="Problems">Each mismatch in words, naming the entry or batch; empty when verified.</param>
public sealed record AuditVerification(long EntryId, AuditVerificationStatus Status, IReadOnlyList<string> Problems);

/// <summary>
/// Checks entries against on-chain roots. The root that counts is the chain's: the stored batch root is
/// compared too, but only to say where a mismatch lies.
/// </summary>
public static class AuditVerifier
{
    /// <summary>Verifies one entry: its own hash, payload, proof, batch and the on-chain root.</summary>
    /// <param name="entry">The entry as the store gave it.</param>
    /// <param name="batch">Its batch as the store gave it, or <c>null</c> when the store has none.</param>
    /// <param name="onChain">What the chain holds for the batch, read from the chain itself; <c>null</c> when nothing.</param>
    public static AuditVerification VerifyEntry(AuditEntry entry, AuditBatch? batch, OnChainRoot? onChain)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var problems = new List<string>();
        if (entry.Seal is not { } seal)
        {
            return new(entry.Id, AuditVerificationStatus.Pending, ["entry " + entry.Id + " is not sealed into a batch yet"]);
        }

        if (entry.Payload is not null && !AuditHashing.PayloadHash(entry.Payload).AsSpan().SequenceEqual(entry.PayloadHash))
        {
            problems.Add($"entry {entry.Id}: the payload does not match its payload hash (payload changed)");
        }

        var recomputed = AuditHashing.EntryHash(entry);
        if (!recomputed.AsSpan().SequenceEqual(seal.Hash))
        {
            problems.Add($"entry {entry.Id} (sequence {seal.Sequence}): its fields do not hash to its stored hash (entry changed)");
        }

        if (batch is null)
        {
            problems.Add($"entry {entry.Id}: batch {seal.BatchId} is missing from the store");
            return new(entry.Id, AuditVerificationStatus.Failed, problems);
        }

        var root = MerkleTree.RootFromProof(recomputed, seal.LeafIndex, batch.Count, seal.Proof);
        if (root is null)
        {
            problems.Add($"entry {entry.Id}: its proof is malformed for leaf {seal.LeafIndex} of {batch.Count} in batch {batch.Id}");
        }
        else if (!root.AsSpan().SequenceEqual(batch.Root))
        {
            problems.Add($"entry {entry.Id}: its proof does not lead to the stored root of batch {batch.Id} (entry, proof or stored root changed)");
        }

        if (onChain is null)
        {
            if (problems.Count > 0)
            {
                return new(entry.Id, AuditVerificationStatus.Failed, problems);
            }

            return batch.Anchor is null
                ? new(entry.Id, AuditVerificationStatus.Pending, [$"batch {batch.Id} is not anchored on chain yet"])
                : new(entry.Id, AuditVerificationStatus.Failed, [$"batch {batch.Id}: the store says it is anchored in block {batch.Anchor.BlockNumber}, but the chain holds no root for it"]);
        }

        if (root is not null && !root.AsSpan().SequenceEqual(onChain.Root))
        {
            problems.Add($"entry {entry.Id}: the root computed from the entry and its proof (0x{Convert.ToHexStringLower(root)}) differs from the on-chain root of batch {batch.Id} (0x{Convert.ToHexStringLower(onChain.Root)})");
        }

        if (!batch.Root.AsSpan().SequenceEqual(onChain.Root))
        {
            problems.Add($"batch {batch.Id}: the stored root differs from the on-chain root (stored root changed)");
        }

        if (seal.Sequence < onChain.FirstSequence || seal.Sequence >= onChain.FirstSequence + onChain.Count || seal.LeafIndex != seal.Sequence - onChain.FirstSequence)
        {
            problems.Add($"entry {entry.Id}: sequence {seal.Sequence} at leaf {seal.LeafIndex} is not where the chain places batch {batch.Id} (sequences {onChain.FirstSequence}..{onChain.FirstSequence + onChain.Count - 1})");
        }

        return new(entry.Id, problems.Count == 0 ? AuditVerificationStatus.Verified : AuditVerificationStatus.Failed, problems);
    }

    /// <summary>
    /// Checks that consecutive sealed entries link: each one's previous hash is the hash of the one before, and
    /// sequences have no gaps. Call it over entries in sequence order; <paramref name="previous"/> carries across pages.
    /// </summary>
    public static IEnumerable<string> CheckLinks(IReadOnlyList<AuditEntry> inSequenceOrder, AuditEntry? previous)
    {
        ArgumentNullException.ThrowIfNull(inSequenceOrder);
        foreach (var entry in inSequenceOrder)
        {
            var seal = entry.Seal!;
            if (previous is null)
            {
                if (seal.Sequence == 1 && !seal.PreviousHash.AsSpan().SequenceEqual(AuditHashing.Genesis))
                {
                    yield return $"entry {entry.Id} (sequence 1): its previous hash is not the genesis hash";
                }
            }
            else
            {
                var prevSeal = previous.Seal!;
                if (seal.Sequence != prevSeal.Sequence + 1)
                {
                    yield return $"entry {entry.Id}: sequence {seal.Sequence} follows {prevSeal.Sequence} (entries missing from the chain)";
                }
                else if (!seal.PreviousHash.AsSpan().SequenceEqual(prevSeal.Hash))
                {
                    yield return $"entry {entry.Id} (sequence {seal.Sequence}): its previous hash is not the hash of entry {previous.Id} (chain broken)";
                }
            }

            previous = entry;
        }
    }
}
