using Sankofa.Core.Audit;

namespace Sankofa.Core.Retention;

/// <summary>
/// An archive of audit entries: whole batches, each entry with its seal (hash-chain position and inclusion proof), the
/// batches' roots and anchors, and the entry before the first (with its proof) so the chain link into the archive is
/// checked too. Written and read as <see cref="AuditArchiveFormat"/>; verified by <see cref="AuditArchiveVerifier"/>
/// against the roots on chain alone.
/// </summary>
/// <param name="Id">Archive number (the removal's).</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="Before">The cut-off: every entry is older.</param>
/// <param name="Previous">The entry before the first, or <c>null</c> when the archive starts the log (sequence 1).</param>
/// <param name="Batches">The batches, in id order.</param>
/// <param name="Entries">Their entries, in sequence order.</param>
public sealed record AuditArchive(
    long Id, DateTimeOffset CreatedAt, DateTimeOffset Before, AuditBoundary? Previous,
    IReadOnlyList<AuditBatch> Batches, IReadOnlyList<AuditEntry> Entries);
