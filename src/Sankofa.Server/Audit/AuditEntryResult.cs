using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Sankofa.Core.Audit;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Audit;

/// <summary>
/// One audit entry with its seal, Merkle proof and batch, answered as <see cref="AuditEntryResponse"/>'s JSON written
/// field by field straight to the response body: the verified read of one entry otherwise built a response record,
/// a seal and batch record and a string per hash (a dozen or more proof nodes) on every request.
/// <c>AuditEntryResultTests</c> holds it to the serializer's output for the same entry, byte for byte.
/// </summary>
public sealed class AuditEntryResult(AuditEntryView view) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
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
    private static readonly JsonEncodedText Root = JsonEncodedText.Encode("root");
    private static readonly JsonEncodedText FirstSequence = JsonEncodedText.Encode("firstSequence");
    private static readonly JsonEncodedText Count = JsonEncodedText.Encode("count");
    private static readonly JsonEncodedText SealedAt = JsonEncodedText.Encode("sealedAt");
    private static readonly JsonEncodedText Anchor = JsonEncodedText.Encode("anchor");
    private static readonly JsonEncodedText TransactionHash = JsonEncodedText.Encode("transactionHash");
    private static readonly JsonEncodedText BlockNumber = JsonEncodedText.Encode("blockNumber");
    private static readonly JsonEncodedText AnchoredAt = JsonEncodedText.Encode("anchoredAt");
    private static readonly JsonEncodedText Pending = JsonEncodedText.Encode("pending");
    private static readonly JsonEncodedText Sealed = JsonEncodedText.Encode("sealed");
    private static readonly JsonEncodedText Anchored = JsonEncodedText.Encode("anchored");

    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc />
    public string ContentType => JsonBody.ContentType;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext) => JsonBody.WriteAsync(httpContext, view, Write);

    /// <summary>Writes the entry as <see cref="AuditEntryResponse"/> serializes (camelCase, nulls written, its batch in full).</summary>
    internal static void Write(Utf8JsonWriter writer, AuditEntryView view)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(view);
        WriteEntry(writer, view.Entry, view.Batch, withBatch: true);
    }

    /// <summary>
    /// Writes one entry as <see cref="AuditEntryResponse"/> serializes: its batch in full when <paramref name="withBatch"/>,
    /// else <c>null</c> (a page never repeats the batch; the status still says whether it is anchored).
    /// </summary>
    internal static void WriteEntry(Utf8JsonWriter writer, AuditEntry entry, AuditBatch? batch, bool withBatch)
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

        JsonBody.WriteHex(writer, PayloadHash, entry.PayloadHash);

        // As AuditMapping.ToResponse says it: pending until sealed, anchored once the batch's root is on chain.
        writer.WriteString(Status, entry.Seal is null ? Pending : batch?.Anchor is not null ? Anchored : Sealed);
        if (entry.Seal is { } seal)
        {
            writer.WriteStartObject(Seal);
            writer.WriteNumber(Sequence, seal.Sequence);
            JsonBody.WriteHex(writer, PreviousHash, seal.PreviousHash);
            JsonBody.WriteHex(writer, Hash, seal.Hash);
            writer.WriteNumber(BatchId, seal.BatchId);
            writer.WriteNumber(LeafIndex, seal.LeafIndex);
            writer.WriteStartArray(Proof);
            for (var at = 0; at < seal.Proof.Length; at += MerkleTree.NodeSize)
            {
                JsonBody.WriteHexValue(writer, seal.Proof.AsSpan(at, Math.Min(MerkleTree.NodeSize, seal.Proof.Length - at)));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull(Seal);
        }

        if (withBatch && batch is not null)
        {
            writer.WriteStartObject(Batch);
            writer.WriteNumber(Id, batch.Id);
            JsonBody.WriteHex(writer, Root, batch.Root);
            writer.WriteNumber(FirstSequence, batch.FirstSequence);
            writer.WriteNumber(Count, batch.Count);
            writer.WriteString(SealedAt, batch.SealedAt);
            if (batch.Anchor is { } anchor)
            {
                writer.WriteStartObject(Anchor);
                writer.WriteString(TransactionHash, anchor.TransactionHash);
                writer.WriteNumber(BlockNumber, anchor.BlockNumber);
                writer.WriteString(AnchoredAt, anchor.AnchoredAt);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull(Anchor);
            }

            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull(Batch);
        }

        writer.WriteEndObject();
    }

    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(AuditEntryResponse), ["application/json"]));
    }
}
