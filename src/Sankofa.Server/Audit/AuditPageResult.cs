using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Sankofa.Core.Audit;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Audit;

/// <summary>
/// A page of audit entries answered as <see cref="AuditPageResponse"/>'s JSON, written field by field from the domain
/// records straight to the response body. A page of 100 sealed entries carries some 1,500 hashes (each entry's
/// previous hash, hash and Merkle proof): through the response records each was a string of its own, and every entry
/// a record, on every request. <c>AuditPageResultTests</c> holds it to the serializer's output for the same page, byte
/// for byte, so the documented contract stays <see cref="AuditPageResponse"/>.
/// </summary>
public sealed class AuditPageResult(AuditEntryPage page) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    private static readonly JsonEncodedText Items = JsonEncodedText.Encode("items");
    private static readonly JsonEncodedText Next = JsonEncodedText.Encode("next");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");
    private static readonly JsonEncodedText Actor = JsonEncodedText.Encode("actor");
    private static readonly JsonEncodedText Action = JsonEncodedText.Encode("action");
    private static readonly JsonEncodedText Subject = JsonEncodedText.Encode("subject");
    private static readonly JsonEncodedText Payload = JsonEncodedText.Encode("payload");
    private static readonly JsonEncodedText PayloadHash = JsonEncodedText.Encode("payloadHash");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText Seal = JsonEncodedText.Encode("seal");
    private static readonly JsonEncodedText Batch = JsonEncodedText.Encode("batch");
    private static readonly JsonEncodedText Sequence = JsonEncodedText.Encode("sequence");
    private static readonly JsonEncodedText PreviousHash = JsonEncodedText.Encode("previousHash");
    private static readonly JsonEncodedText Hash = JsonEncodedText.Encode("hash");
    private static readonly JsonEncodedText BatchId = JsonEncodedText.Encode("batchId");
    private static readonly JsonEncodedText LeafIndex = JsonEncodedText.Encode("leafIndex");
    private static readonly JsonEncodedText Proof = JsonEncodedText.Encode("proof");
    private static readonly JsonEncodedText Pending = JsonEncodedText.Encode("pending");
    private static readonly JsonEncodedText Sealed = JsonEncodedText.Encode("sealed");
    private static readonly JsonEncodedText Anchored = JsonEncodedText.Encode("anchored");

    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc />
    public string ContentType => JsonBody.ContentType;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext) => JsonBody.WriteAsync(httpContext, page, Write);

    /// <summary>Writes the page as <see cref="AuditPageResponse"/> serializes (camelCase, nulls written, no batch per entry).</summary>
    internal static void Write(Utf8JsonWriter writer, AuditEntryPage page)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(page);
        writer.WriteStartObject();
        writer.WriteStartArray(Items);
        foreach (var (entry, batch) in page.Items)
        {
            writer.WriteStartObject();
            writer.WriteNumber(Id, entry.Id);
            writer.WriteString(Time, entry.Time);
            writer.WriteString(Actor, entry.Actor);
            writer.WriteString(Action, entry.Action);
            writer.WriteString(Subject, entry.Subject);
            if (entry.Payload is { } payload)
            {
                writer.WriteString(Payload, payload);
            }
            else
            {
                writer.WriteNull(Payload);
            }

            WriteHex(writer, PayloadHash, entry.PayloadHash);

            // As AuditMapping.ToResponse says it: pending until sealed, anchored once the batch's root is on chain.
            writer.WriteString(Status, entry.Seal is null ? Pending : batch?.Anchor is not null ? Anchored : Sealed);
            if (entry.Seal is { } seal)
            {
                writer.WriteStartObject(Seal);
                writer.WriteNumber(Sequence, seal.Sequence);
                WriteHex(writer, PreviousHash, seal.PreviousHash);
                WriteHex(writer, Hash, seal.Hash);
                writer.WriteNumber(BatchId, seal.BatchId);
                writer.WriteNumber(LeafIndex, seal.LeafIndex);
                writer.WriteStartArray(Proof);
                for (var at = 0; at < seal.Proof.Length; at += MerkleTree.NodeSize)
                {
                    WriteHexValue(writer, seal.Proof.AsSpan(at, Math.Min(MerkleTree.NodeSize, seal.Proof.Length - at)));
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull(Seal);
            }

            // A list never repeats the batch (its status says whether it is anchored).
            writer.WriteNull(Batch);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (page.Next is { } next)
        {
            writer.WriteNumber(Next, next);
        }
        else
        {
            writer.WriteNull(Next);
        }

        writer.WriteEndObject();
    }

    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(AuditPageResponse), ["application/json"]));
    }

    // "0x" and lower-case hex, as AuditMapping.Hex, formatted on the stack.
    private static void WriteHex(Utf8JsonWriter writer, JsonEncodedText name, ReadOnlySpan<byte> bytes)
    {
        writer.WritePropertyName(name);
        WriteHexValue(writer, bytes);
    }

    private static void WriteHexValue(Utf8JsonWriter writer, ReadOnlySpan<byte> bytes)
    {
        Span<char> hex = stackalloc char[2 + (bytes.Length * 2)];
        hex[0] = '0';
        hex[1] = 'x';
        Convert.TryToHexStringLower(bytes, hex[2..], out _);
        writer.WriteStringValue(hex);
    }
}
