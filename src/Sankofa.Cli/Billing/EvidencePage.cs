using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Cli.Audit;
using Sankofa.Core.Audit;
using Sankofa.Server.Audit;
using Sankofa.Server.Billing;

namespace Sankofa.Cli.Billing;

/// <summary>
/// One page of an invoice's evidence (<c>GET /api/v1/billing/invoices/{id}/evidence</c>) as <c>sankofa billing verify</c>
/// reads it: framed (<see cref="EvidenceFrameResult"/>), the answer held in a recycled buffer and every payload a slice of
/// it, so a month's ~60 MiB of payloads is neither decoded nor copied into 1,440 new arrays (fresh memory costs a page
/// fault per 4 KiB, and page faults are dear in a virtual machine: docs/benchmarks.md). Dispose it once checked to give
/// the buffer back.
/// </summary>
internal sealed class EvidencePage : IDisposable
{
    // Only a few pages are in memory at once (the read-ahead is bounded), so a few buffers of a few MiB go round.
    private static readonly ArrayPool<byte> Buffers = ArrayPool<byte>.Create(1 << 28, (2 * Environment.ProcessorCount) + 4);

    private static int lastLength = 1 << 20;
    private byte[]? body;

    private EvidencePage(byte[] body) => this.body = body;

    /// <summary>The page's sealed hours without their payload text (see <see cref="Payloads"/>).</summary>
    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    /// <summary>Each entry's payload, the bytes that were hashed, at the entry's index; valid until disposed.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Payloads { get; private set; } = [];

    /// <summary>The batches of the page's entries.</summary>
    public IReadOnlyList<AuditBatch> Batches { get; private set; } = [];

    /// <summary>The cursor of the next page; null on the last.</summary>
    public string? Next { get; private set; }

    /// <summary>Reads one page.</summary>
    /// <exception cref="FormatException">The answer is not a framed evidence page.</exception>
    public static async Task<EvidencePage> ReadAsync(SankofaApiClient api, string path, CancellationToken cancellationToken)
    {
        // Pages are alike in size: the server says each one's length, and the last one's is the guess if it does not.
        var (body, length) = await api.GetRentedAsync(path, EvidenceFrameResult.MediaType, Buffers, Volatile.Read(ref lastLength), cancellationToken);
        Volatile.Write(ref lastLength, length);
        var page = new EvidencePage(body);
        try
        {
            page.Decode(length, path);
            return page;
        }
        catch
        {
            page.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (body is not null)
        {
            Buffers.Return(body);
        }

        body = null;
    }

    private void Decode(int length, string path)
    {
        var frame = body.AsMemory(0, length);
        var offset = 0;
        var header = JsonSerializer.Deserialize(Part(ref offset).Span, CliJson.Default.InvoiceEvidenceResponse)
                     ?? throw new FormatException($"{path} answered a null page.");
        var payloads = new ReadOnlyMemory<byte>[header.Entries.Count];
        for (var i = 0; i < payloads.Length; i++)
        {
            payloads[i] = Part(ref offset);
        }

        if (offset != length)
        {
            throw new FormatException($"{path} answered {length - offset} bytes after the page's last payload.");
        }

        Entries = [.. header.Entries.Select(AuditLogVerifier.ToDomain)];
        Payloads = payloads;
        Batches = [.. header.Batches.Select(AuditLogVerifier.ToDomain)];
        Next = header.Next;

        // A 4-byte big-endian length and that many bytes, inside the answer.
        ReadOnlyMemory<byte> Part(ref int at)
        {
            if (length - at < 4 || BinaryPrimitives.ReadUInt32BigEndian(frame.Span[at..]) is var size && size > (uint)(length - at - 4))
            {
                throw new FormatException($"{path} answered a frame cut short at byte {at}.");
            }

            var part = frame.Slice(at + 4, (int)size);
            at += 4 + (int)size;
            return part;
        }
    }
}
