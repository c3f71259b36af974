using Sankofa.Core.Audit;

namespace Sankofa.Core.Retention;

/// <summary>
/// The last entry before the hot log (or before an archive) begins: its hash and its inclusion proof in its anchored
/// batch. Anyone checks it against the batch root on chain, and then that the next entry's previous hash is this hash,
/// so the hash chain stays checked across an archive boundary.
/// </summary>
/// <param name="Sequence">The entry's place in the hash chain.</param>
/// <param name="Hash">Its hash (the Merkle leaf).</param>
/// <param name="BatchId">Its batch.</param>
/// <param name="LeafIndex">Its index among the batch's leaves.</param>
/// <param name="Proof">Sibling hashes from the leaf up to the root, 32 bytes each.</param>
public sealed record AuditBoundary(long Sequence, byte[] Hash, long BatchId, int LeafIndex, byte[] Proof)
{
    /// <summary>The boundary an entry makes when it is the last one removed.</summary>
    public static AuditBoundary Of(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var seal = entry.Seal ?? throw new ArgumentException("The entry is not sealed.", nameof(entry));
        return new(seal.Sequence, seal.Hash, seal.BatchId, seal.LeafIndex, seal.Proof);
    }
}

/// <summary>How entries left the hot store.</summary>
public enum AuditRemovalKind
{
    /// <summary>Moved to an archive file, which holds them with their proofs and batches.</summary>
    Archived,

    /// <summary>Deleted for good: their retention had ended.</summary>
    Deleted,
}

/// <summary>
/// One removal of whole batches from the hot store, as the store records it. Batch rows stay (their roots stay on
/// chain); the entries are in the archive file, or gone once their retention ended.
/// </summary>
/// <param name="Id">Removal number, from 1; also the archive's number.</param>
/// <param name="Kind">Archived or deleted.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="Before">The cut-off asked for: every entry removed is older.</param>
/// <param name="FirstBatch">First batch removed.</param>
/// <param name="LastBatch">Last batch removed.</param>
/// <param name="FirstSequence">First entry removed.</param>
/// <param name="LastSequence">Last entry removed.</param>
/// <param name="OldestEntry">Time of the oldest entry removed.</param>
/// <param name="NewestEntry">Time of the newest entry removed: the archive is retained until this entry's retention ends.</param>
/// <param name="Last">The last entry removed, with its proof: where the hot log continues.</param>
/// <param name="FileName">The archive file's name in the archive directory (archived only).</param>
/// <param name="FileSha256">SHA-256 of the archive file (archived only).</param>
public sealed record AuditRemoval(
    long Id, AuditRemovalKind Kind, DateTimeOffset CreatedAt, DateTimeOffset Before, long FirstBatch, long LastBatch,
    long FirstSequence, long LastSequence, DateTimeOffset OldestEntry, DateTimeOffset NewestEntry, AuditBoundary Last,
    string? FileName, byte[]? FileSha256)
{
    /// <summary>Entries removed.</summary>
    public long EntryCount => LastSequence - FirstSequence + 1;
}

/// <summary>What may leave the hot store for a cut-off: whole anchored batches, oldest first, and where they start.</summary>
/// <param name="Batches">The batches, consecutive, in id order.</param>
/// <param name="Entries">All their entries in sequence order.</param>
/// <param name="Previous">The last entry removed before (from the previous removal), or <c>null</c> when the log starts at sequence 1.</param>
/// <param name="NextId">The id the removal will take.</param>
public sealed record AuditRemovalPlan(IReadOnlyList<AuditBatch> Batches, IReadOnlyList<AuditEntry> Entries, AuditBoundary? Previous, long NextId);
