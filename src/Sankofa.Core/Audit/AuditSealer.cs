namespace Sankofa.Core.Audit;

/// <summary>The last sealed entry and batch: where the next seal continues the chain.</summary>
/// <param name="LastSequence">Sequence of the last sealed entry (0 when none).</param>
/// <param name="LastHash">Hash of the last sealed entry (genesis when none).</param>
/// <param name="LastBatchId">Id of the last batch (0 when none).</param>
public sealed record AuditChainHead(long LastSequence, byte[] LastHash, long LastBatchId);

/// <summary>
/// Chains unsealed entries onto the head and packs them into one Merkle batch. Pure: the store calls it inside
/// its transaction, so the chain order is the order of sealing, which is the order of commit — an entry whose
/// transaction commits late is simply chained later, never inserted behind entries already sealed.
/// </summary>
public static class AuditSealer
{
    /// <summary>Seals <paramref name="entries"/> (already in id order) as batch <c>head.LastBatchId + 1</c>.</summary>
    public static (AuditBatch Batch, IReadOnlyList<AuditEntry> Sealed) Seal(
        AuditChainHead head, IReadOnlyList<AuditEntry> entries, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            throw new ArgumentException("Nothing to seal.", nameof(entries));
        }

        var batchId = head.LastBatchId + 1;
        var hashes = new byte[entries.Count][];
        var previous = head.LastHash;
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            hashes[i] = AuditHashing.EntryHash(head.LastSequence + 1 + i, e.Time, e.Actor, e.Action, e.Subject, e.PayloadHash, previous);
            previous = hashes[i];
        }

        var (root, proofs) = MerkleTree.Build(hashes);
        var sealedEntries = new AuditEntry[entries.Count];
        var prev = head.LastHash;
        for (var i = 0; i < entries.Count; i++)
        {
            sealedEntries[i] = entries[i] with { Seal = new AuditSeal(head.LastSequence + 1 + i, prev, hashes[i], batchId, i, proofs[i]) };
            prev = hashes[i];
        }

        var batch = new AuditBatch(batchId, root, head.LastSequence + 1, entries.Count, now, Anchor: null);
        return (batch, sealedEntries);
    }
}
