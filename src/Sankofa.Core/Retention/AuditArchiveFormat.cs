using System.Text.Json;
using System.Text.Json.Serialization;
using Sankofa.Core.Audit;

namespace Sankofa.Core.Retention;

/// <summary>
/// The file format of an audit archive, <c>sankofa.audit-archive/1</c>: UTF-8 JSON, camelCase, hashes as 0x-prefixed
/// lower-case hex, proofs as arrays of 32-byte hashes, times as ISO 8601 UTC with milliseconds (the entry hash uses
/// their Unix milliseconds). Documented field by field in docs/compliance.md; a public format, like the entry hash.
/// </summary>
public static class AuditArchiveFormat
{
    /// <summary>The value of the <c>format</c> field.</summary>
    public const string Version = "sankofa.audit-archive/1";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Writes <paramref name="archive"/> to <paramref name="stream"/>.</summary>
    public static Task WriteAsync(Stream stream, AuditArchive archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var file = new ArchiveFile(
            Version, archive.Id, archive.CreatedAt.ToUniversalTime(), archive.Before.ToUniversalTime(),
            archive.Entries.Count == 0 ? 0 : archive.Entries[0].Seal!.Sequence,
            archive.Entries.Count == 0 ? 0 : archive.Entries[^1].Seal!.Sequence,
            archive.Batches.Count == 0 ? 0 : archive.Batches[0].Id,
            archive.Batches.Count == 0 ? 0 : archive.Batches[^1].Id,
            archive.Previous is { } p ? new BoundaryFile(p.Sequence, Hex(p.Hash), p.BatchId, p.LeafIndex, Nodes(p.Proof)) : null,
            [.. archive.Batches.Select(b => new BatchFile(b.Id, Hex(b.Root), b.FirstSequence, b.Count, b.SealedAt.ToUniversalTime(),
                b.Anchor is { } a ? new AnchorFile(a.TransactionHash, a.BlockNumber, a.AnchoredAt.ToUniversalTime()) : null))],
            [.. archive.Entries.Select(e => new EntryFile(e.Id, e.Time.ToUniversalTime(), e.Actor, e.Action, e.Subject, e.Payload, Hex(e.PayloadHash),
                new SealFile(e.Seal!.Sequence, Hex(e.Seal.PreviousHash), Hex(e.Seal.Hash), e.Seal.BatchId, e.Seal.LeafIndex, Nodes(e.Seal.Proof))))]);
        return JsonSerializer.SerializeAsync(stream, file, Options, cancellationToken);
    }

    /// <summary>Reads an archive; a file that is not one is a <see cref="FormatException"/> saying why.</summary>
    public static async Task<AuditArchive> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArchiveFile? file;
        try
        {
            file = await JsonSerializer.DeserializeAsync<ArchiveFile>(stream, Options, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Not an audit archive: {ex.Message}", ex);
        }

        if (file is null || file.Format != Version)
        {
            throw new FormatException($"Not an audit archive: the format field must be '{Version}', not '{file?.Format}'.");
        }

        try
        {
            return new AuditArchive(
                file.Archive, file.CreatedAt, file.Before,
                file.Previous is { } p ? new AuditBoundary(p.Sequence, Bytes(p.Hash), p.BatchId, p.LeafIndex, Join(p.Proof)) : null,
                [.. (file.Batches ?? []).Select(b => new AuditBatch(b.Id, Bytes(b.Root), b.FirstSequence, b.Count, b.SealedAt,
                    b.Anchor is { } a ? new AnchorRecord(a.TransactionHash, a.BlockNumber, a.AnchoredAt) : null))],
                [.. (file.Entries ?? []).Select(e => new AuditEntry(e.Id, e.Time, e.Actor, e.Action, e.Subject, Bytes(e.PayloadHash), e.Payload,
                    new AuditSeal(e.Seal.Sequence, Bytes(e.Seal.PreviousHash), Bytes(e.Seal.Hash), e.Seal.BatchId, e.Seal.LeafIndex, Join(e.Seal.Proof))))]);
        }
        catch (Exception ex) when (ex is NullReferenceException or FormatException or ArgumentException)
        {
            throw new FormatException($"Not an audit archive: a field is missing or malformed ({ex.Message}).", ex);
        }
    }

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    private static List<string> Nodes(byte[] proof) => [.. proof.Chunk(MerkleTree.NodeSize).Select(Hex)];

    private static byte[] Bytes(string hex) =>
        Convert.FromHexString(hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex);

    private static byte[] Join(IReadOnlyList<string>? nodes) => [.. (nodes ?? []).SelectMany(Bytes)];

    private sealed record ArchiveFile(
        string Format, long Archive, DateTimeOffset CreatedAt, DateTimeOffset Before, long FirstSequence, long LastSequence,
        long FirstBatch, long LastBatch, BoundaryFile? Previous, IReadOnlyList<BatchFile>? Batches, IReadOnlyList<EntryFile>? Entries);

    private sealed record BoundaryFile(long Sequence, string Hash, long BatchId, int LeafIndex, IReadOnlyList<string> Proof);

    private sealed record BatchFile(long Id, string Root, long FirstSequence, int Count, DateTimeOffset SealedAt, AnchorFile? Anchor);

    private sealed record AnchorFile(string TransactionHash, long BlockNumber, DateTimeOffset AnchoredAt);

    private sealed record EntryFile(
        long Id, DateTimeOffset Time, string Actor, string Action, string Subject, string? Payload, string PayloadHash, SealFile Seal);

    private sealed record SealFile(long Sequence, string PreviousHash, string Hash, long BatchId, int LeafIndex, IReadOnlyList<string> Proof);
}
