using Sankofa.Core.Retention;

namespace Sankofa.Server.Retention;

/// <summary>Body of <c>POST /api/v1/audit/archives</c>.</summary>
/// <param name="Before">Cut-off: whole anchored batches whose entries are all older are archived and leave the hot store.</param>
public sealed record CreateAuditArchiveRequest(DateTimeOffset? Before);

/// <summary>A retention policy.</summary>
/// <param name="Kind">The records it governs (<c>auditEntries</c>).</param>
/// <param name="Years">Years each record is kept from its own time.</param>
public sealed record RetentionPolicyResponse(string Kind, int Years);

/// <summary>The last entry removed before the hot log (or an archive) starts, with its inclusion proof.</summary>
/// <param name="Sequence">Its place in the hash chain.</param>
/// <param name="Hash">Its hash (0x hex).</param>
/// <param name="BatchId">Its batch, whose root is on chain.</param>
/// <param name="LeafIndex">Its leaf index in the batch.</param>
/// <param name="Proof">Sibling hashes from the leaf up.</param>
public sealed record AuditBoundaryResponse(long Sequence, string Hash, long BatchId, int LeafIndex, IReadOnlyList<string> Proof);

/// <summary>An archive (or a deletion) of batches that left the hot audit log.</summary>
/// <param name="Id">Its number.</param>
/// <param name="Kind"><c>archived</c> or <c>deleted</c>.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="Before">The cut-off asked for.</param>
/// <param name="FirstBatch">First batch.</param>
/// <param name="LastBatch">Last batch.</param>
/// <param name="FirstSequence">First entry's sequence.</param>
/// <param name="LastSequence">Last entry's sequence.</param>
/// <param name="Entries">How many entries.</param>
/// <param name="OldestEntry">Oldest entry's time.</param>
/// <param name="NewestEntry">Newest entry's time.</param>
/// <param name="RetainedUntil">When the newest entry's retention ends: the archive may not be deleted before.</param>
/// <param name="Last">The last entry, with its proof.</param>
/// <param name="FileName">The archive file (archived only).</param>
/// <param name="FileSha256">Its SHA-256 (archived only).</param>
/// <param name="File">Where to download it (archived only).</param>
public sealed record AuditArchiveResponse(
    long Id, string Kind, DateTimeOffset CreatedAt, DateTimeOffset Before, long FirstBatch, long LastBatch, long FirstSequence,
    long LastSequence, long Entries, DateTimeOffset OldestEntry, DateTimeOffset NewestEntry, DateTimeOffset RetainedUntil,
    AuditBoundaryResponse Last, string? FileName, string? FileSha256, string? File);

/// <summary>The retention policies and what has left the hot audit log.</summary>
/// <param name="Policies">Retention per record kind.</param>
/// <param name="HotLogStartsAfter">The last entry removed: the first hot entry links to it (null when nothing was removed).</param>
/// <param name="Archives">Archives and deletions, oldest first.</param>
public sealed record RetentionStatusResponse(
    IReadOnlyList<RetentionPolicyResponse> Policies, AuditBoundaryResponse? HotLogStartsAfter, IReadOnlyList<AuditArchiveResponse> Archives);

/// <summary>Maps retention records to API shapes.</summary>
internal static class RetentionMapping
{
    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    public static AuditBoundaryResponse ToResponse(this AuditBoundary b) =>
        new(b.Sequence, Hex(b.Hash), b.BatchId, b.LeafIndex, [.. b.Proof.Chunk(Core.Audit.MerkleTree.NodeSize).Select(Hex)]);

    public static AuditArchiveResponse ToResponse(this AuditRemoval r, RetentionPolicy policy) => new(
        r.Id, r.Kind == AuditRemovalKind.Archived ? "archived" : "deleted", r.CreatedAt, r.Before, r.FirstBatch, r.LastBatch,
        r.FirstSequence, r.LastSequence, r.EntryCount, r.OldestEntry, r.NewestEntry, policy.RetainedUntil(r.NewestEntry),
        r.Last.ToResponse(), r.FileName, r.FileSha256 is { } h ? Hex(h) : null,
        r.FileName is null ? null : $"/api/v1/audit/archives/{r.Id}/file");

    public static RetentionStatusResponse ToResponse(this RetentionStatus s)
    {
        var policy = s.Policies.Single(p => p.Kind == RetentionRecordKind.AuditEntries);
        return new(
            [.. s.Policies.Select(p => new RetentionPolicyResponse(p.Kind == RetentionRecordKind.AuditEntries ? "auditEntries" : p.Kind.ToString(), p.Years))],
            s.HotLogStartsAfter?.ToResponse(),
            [.. s.Removals.Select(r => r.ToResponse(policy))]);
    }
}
