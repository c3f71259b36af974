using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Sankofa.Core.Audit;

/// <summary>
/// The canonical hashes of the audit log. Anyone can recompute them from an entry's fields, so they
/// are a public format: changing them breaks every proof ever issued.
/// </summary>
public static class AuditHashing
{
    /// <summary>The previous hash of the first entry in the chain.</summary>
    public static ReadOnlySpan<byte> Genesis => new byte[32];

    /// <summary>SHA-256 of a payload's UTF-8 bytes.</summary>
    public static byte[] PayloadHash(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);

        // Encoded into a pooled buffer: verifying a month's invoice hashes ~60 MiB of payloads, which as fresh arrays
        // cost more in allocation and page faults than in hashing.
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(payload.Length));
        try
        {
            return SHA256.HashData(buffer.AsSpan(0, Encoding.UTF8.GetBytes(payload, buffer)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// <c>SHA256(0x00 ‖ sequence ‖ unixMillis ‖ actor ‖ action ‖ subject ‖ payloadHash ‖ previousHash)</c>, with
    /// integers as 8-byte big-endian and strings as a 4-byte big-endian length then UTF-8. The 0x00 prefix
    /// separates leaves from interior Merkle nodes (0x01).
    /// </summary>
    public static byte[] EntryHash(
        long sequence, DateTimeOffset time, string actor, string action, string subject,
        ReadOnlySpan<byte> payloadHash, ReadOnlySpan<byte> previousHash)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(subject);
        var size = 1 + 8 + 8 + 12 + Encoding.UTF8.GetByteCount(actor) + Encoding.UTF8.GetByteCount(action)
                   + Encoding.UTF8.GetByteCount(subject) + payloadHash.Length + previousHash.Length;
        var buffer = size <= 1024 ? stackalloc byte[size] : new byte[size];
        var span = buffer;
        span[0] = 0x00;
        span = span[1..];
        BinaryPrimitives.WriteInt64BigEndian(span, sequence);
        span = span[8..];
        BinaryPrimitives.WriteInt64BigEndian(span, time.ToUnixTimeMilliseconds());
        span = span[8..];
        span = WriteString(span, actor);
        span = WriteString(span, action);
        span = WriteString(span, subject);
        payloadHash.CopyTo(span);
        span = span[payloadHash.Length..];
        previousHash.CopyTo(span);
        return SHA256.HashData(buffer);
    }

    /// <summary>Recomputes a sealed entry's hash from its own fields.</summary>
    public static byte[] EntryHash(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var seal = entry.Seal ?? throw new ArgumentException("The entry is not sealed yet.", nameof(entry));
        return EntryHash(seal.Sequence, entry.Time, entry.Actor, entry.Action, entry.Subject, entry.PayloadHash, seal.PreviousHash);
    }

    private static Span<byte> WriteString(Span<byte> span, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, written);
        return span[(4 + written)..];
    }
}
