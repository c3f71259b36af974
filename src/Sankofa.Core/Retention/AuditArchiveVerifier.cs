using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;

namespace Sankofa.Core.Retention;

/// <summary>What checking an archive against the chain found.</summary>
/// <param name="Status">Verified, or failed (an archive holds anchored batches only, so nothing is pending).</param>
/// <param name="EntriesChecked">Entries checked.</param>
/// <param name="BatchesChecked">Batches whose on-chain root was compared.</param>
/// <param name="Problems">Each mismatch, naming the entry or batch; empty when verified.</param>
public sealed record AuditArchiveVerification(AuditVerificationStatus Status, long EntriesChecked, long BatchesChecked, IReadOnlyList<string> Problems);

/// <summary>
/// Checks audit archives and archive boundaries against roots read from the chain: nothing in the archive is taken on
/// trust but the roots the chain holds.
/// </summary>
public static class AuditArchiveVerifier
{
    /// <summary>Batch ids whose roots <see cref="Verify"/> needs: the archive's batches and the previous entry's batch.</summary>
    public static IReadOnlyList<long> BatchesToRead(AuditArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var ids = archive.Batches.Select(b => b.Id).Concat(archive.Entries.Select(e => e.Seal!.BatchId));
        return [.. (archive.Previous is { } p ? ids.Append(p.BatchId) : ids).Distinct().Order()];
    }

    /// <summary>
    /// Verifies every entry (payload, hash, proof, on-chain root), every link of the hash chain inside the archive and
    /// into it from <see cref="AuditArchive.Previous"/>, and that each batch is complete and the batches consecutive.
    /// </summary>
    /// <param name="archive">The archive as read from its file.</param>
    /// <param name="onChain">The roots the chain holds, keyed by batch id (absent: none on chain).</param>
    public static AuditArchiveVerification Verify(AuditArchive archive, IReadOnlyDictionary<long, OnChainRoot> onChain)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(onChain);
        var problems = new List<string>();
        if (archive.Entries.Count == 0 || archive.Batches.Count == 0)
        {
            return new(AuditVerificationStatus.Failed, 0, 0, [$"archive {archive.Id} holds no entries"]);
        }

        var batches = archive.Batches.ToDictionary(b => b.Id);
        for (var i = 1; i < archive.Batches.Count; i++)
        {
            if (archive.Batches[i].Id != archive.Batches[i - 1].Id + 1)
            {
                problems.Add($"archive {archive.Id}: batch {archive.Batches[i].Id} follows batch {archive.Batches[i - 1].Id} (batches missing)");
            }
        }

        foreach (var entry in archive.Entries)
        {
            if (entry.Seal is null)
            {
                problems.Add($"entry {entry.Id}: has no seal");
                continue;
            }

            var result = AuditVerifier.VerifyEntry(entry, batches.GetValueOrDefault(entry.Seal.BatchId), onChain.GetValueOrDefault(entry.Seal.BatchId));
            if (result.Status != AuditVerificationStatus.Verified)
            {
                problems.AddRange(result.Problems);
            }
        }

        foreach (var batch in archive.Batches)
        {
            var held = archive.Entries.Count(e => e.Seal?.BatchId == batch.Id);
            if (!onChain.TryGetValue(batch.Id, out var root))
            {
                problems.Add($"batch {batch.Id}: the chain holds no root for it");
            }
            else if (held != root.Count)
            {
                problems.Add($"batch {batch.Id}: the chain records {root.Count} entries but the archive holds {held} (entries missing from the archive)");
            }
        }

        if (archive.Entries.All(e => e.Seal is not null))
        {
            var first = archive.Entries[0];
            if (archive.Previous is { } previous)
            {
                problems.AddRange(CheckBoundary(previous, onChain.GetValueOrDefault(previous.BatchId)));
                problems.AddRange(CheckContinuation(previous, first));
            }
            else if (first.Seal!.Sequence != 1)
            {
                problems.Add($"archive {archive.Id} starts at sequence {first.Seal.Sequence} but names no previous entry to link to");
            }

            problems.AddRange(AuditVerifier.CheckLinks(archive.Entries, null));
        }

        problems = [.. problems.Distinct()];
        return new(problems.Count == 0 ? AuditVerificationStatus.Verified : AuditVerificationStatus.Failed,
            archive.Entries.Count, archive.Batches.Count(b => onChain.ContainsKey(b.Id)), problems);
    }

    /// <summary>Checks a boundary entry's hash and proof against its batch root on chain.</summary>
    /// <param name="boundary">The last entry before an archive or the hot log.</param>
    /// <param name="onChain">Its batch's root on chain, or <c>null</c> when the chain holds none.</param>
    public static IReadOnlyList<string> CheckBoundary(AuditBoundary boundary, OnChainRoot? onChain)
    {
        ArgumentNullException.ThrowIfNull(boundary);
        if (onChain is null)
        {
            return [$"sequence {boundary.Sequence} (the last entry removed before): the chain holds no root for its batch {boundary.BatchId}"];
        }

        var root = MerkleTree.RootFromProof(boundary.Hash, boundary.LeafIndex, onChain.Count, boundary.Proof);
        if (root is null || !root.AsSpan().SequenceEqual(onChain.Root))
        {
            return [$"sequence {boundary.Sequence} (the last entry removed before): its hash and proof do not lead to the on-chain root of batch {boundary.BatchId}"];
        }

        return boundary.LeafIndex != boundary.Sequence - onChain.FirstSequence
            ? [$"sequence {boundary.Sequence} (the last entry removed before): leaf {boundary.LeafIndex} is not where the chain places it in batch {boundary.BatchId} (sequences {onChain.FirstSequence}..{onChain.FirstSequence + onChain.Count - 1})"]
            : [];
    }

    /// <summary>Checks that <paramref name="next"/> is the entry right after the boundary and links to its hash.</summary>
    public static IReadOnlyList<string> CheckContinuation(AuditBoundary boundary, AuditEntry next)
    {
        ArgumentNullException.ThrowIfNull(boundary);
        ArgumentNullException.ThrowIfNull(next);
        var seal = next.Seal!;
        if (seal.Sequence != boundary.Sequence + 1)
        {
            return [$"entry {next.Id}: sequence {seal.Sequence} follows the last entry removed, sequence {boundary.Sequence} (entries missing from the chain)"];
        }

        return seal.PreviousHash.AsSpan().SequenceEqual(boundary.Hash)
            ? []
            : [$"entry {next.Id} (sequence {seal.Sequence}): its previous hash is not the hash of sequence {boundary.Sequence}, the last entry removed (chain broken)"];
    }
}
