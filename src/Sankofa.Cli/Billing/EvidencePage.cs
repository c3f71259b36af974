using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sankofa.Cli.Api;
using Sankofa.Cli.Audit;
using Sankofa.Core.Audit;
using Sankofa.Server.Audit;
using Sankofa.Server.Billing;

namespace Sankofa.Cli.Billing;

/// <summary>
/// One page of an invoice's evidence (<c>GET /api/v1/billing/invoices/{id}/evidence</c>) as <c>sankofa billing verify</c>
/// reads it: the answer held in a recycled buffer and every payload decoded in place in it, so a month's ~80 MiB of
/// payloads never becomes 1,440 new arrays (fresh memory costs a page fault per 4 KiB, and page faults are dear in a
/// virtual machine: docs/benchmarks.md). Dispose it once checked to give the buffer back.
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
    /// <exception cref="FormatException">The answer is not an evidence page, or a payload is not base64.</exception>
    public static async Task<EvidencePage> ReadAsync(SankofaApiClient api, string path, CancellationToken cancellationToken)
    {
        // Pages are alike in size, and the server streams them without a length: start each where the last ended.
        var (body, length) = await api.GetRentedAsync(path, Buffers, Volatile.Read(ref lastLength), cancellationToken);
        Volatile.Write(ref lastLength, length);
        var page = new EvidencePage(body);
        try
        {
            var wire = JsonSerializer.Deserialize(body.AsSpan(0, length), CliJson.Default.EvidencePageWire)
                       ?? throw new FormatException($"{path} answered null.");
            page.Decode(wire);
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

    private void Decode(EvidencePageWire wire)
    {
        // Each payload is decoded where its base64 text lies (decoded bytes are fewer than the text and written from its
        // start), so the page needs no second buffer; the JSON around it is no longer read.
        var payloads = new ReadOnlyMemory<byte>[wire.Entries.Count];
        for (var i = 0; i < payloads.Length; i++)
        {
            var payload = wire.Entries[i].Payload;
            if (payload.Decoded is { } bytes)
            {
                payloads[i] = bytes;
                continue;
            }

            if (Base64.DecodeFromUtf8InPlace(body.AsSpan(payload.Start, payload.Length), out var written) != OperationStatus.Done)
            {
                throw new FormatException($"The payload of evidence entry {wire.Entries[i].Id} is not base64.");
            }

            payloads[i] = body.AsMemory(payload.Start, written);
        }

        Entries = [.. wire.Entries.Select(e => AuditLogVerifier.ToDomain(
            new EvidenceEntryResponse(e.Id, e.Time, e.Actor, e.Action, e.Subject, null, e.PayloadHash, e.Seal)))];
        Payloads = payloads;
        Batches = [.. wire.Batches.Select(AuditLogVerifier.ToDomain)];
        Next = wire.Next;
    }
}

/// <summary>An evidence page as it arrives (<see cref="InvoiceEvidenceResponse"/> with payloads left where they are).</summary>
internal sealed record EvidencePageWire(IReadOnlyList<EvidenceEntryWire> Entries, IReadOnlyList<AuditBatchResponse> Batches, string? Next);

/// <summary>An evidence entry as it arrives (<see cref="EvidenceEntryResponse"/> with its payload located, not decoded).</summary>
internal sealed record EvidenceEntryWire(
    long Id, DateTimeOffset Time, string Actor, string Action, string Subject, Base64Text Payload, string PayloadHash, AuditSealResponse? Seal);

/// <summary>
/// Where a base64 string value sits in the answer (its text, without the quotes), to be decoded later where it lies; a
/// value the server escaped (JSON allows it, this server does not do it) or split is decoded at once instead.
/// A JSON null is an empty payload.
/// </summary>
[JsonConverter(typeof(Base64TextConverter))]
internal readonly record struct Base64Text(int Start, int Length, byte[]? Decoded);

/// <summary>Reads a <see cref="Base64Text"/>; the CLI never writes one.</summary>
internal sealed class Base64TextConverter : JsonConverter<Base64Text>
{
    /// <inheritdoc />
    public override Base64Text Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => new(0, 0, []),
        JsonTokenType.String when !reader.ValueIsEscaped && !reader.HasValueSequence => new(checked((int)reader.TokenStartIndex + 1), reader.ValueSpan.Length, null),
        JsonTokenType.String => new(0, 0, reader.GetBytesFromBase64()),
        _ => throw new JsonException("An evidence payload is a base64 string or null."),
    };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Base64Text value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Evidence payloads are read, not written.");
}
