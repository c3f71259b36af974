using System.Text.Json;
using Sankofa.Core.Audit;

namespace Sankofa.Server.Audit;

/// <summary>Body of <c>POST /api/v1/audit/entries</c>: an operator or external system records an event.</summary>
/// <param name="Actor">
/// Optional: who the caller says did it. The entry's actor is always the authenticated caller; a different actor stated
/// here is kept inside the payload, as <c>{"statedActor": actor, "payload": payload}</c>.
/// </param>
/// <param name="Action">What was done, as feature.verb.</param>
/// <param name="Subject">What it was done to.</param>
/// <param name="Payload">Any JSON value with the details (kept off chain; its hash is chained).</param>
public sealed record RecordAuditEventRequest(string? Actor, string? Action, string? Subject, JsonElement? Payload);

/// <summary>An audit entry as the API shows it. Hashes are 0x-prefixed hex.</summary>
/// <param name="Id">Entry id.</param>
/// <param name="Time">When the mutation was accepted (millisecond precision).</param>
/// <param name="Actor">Who.</param>
/// <param name="Action">What.</param>
/// <param name="Subject">To what.</param>
/// <param name="Payload">The payload JSON text exactly as hashed, or null once erased.</param>
/// <param name="PayloadHash">SHA-256 of the payload.</param>
/// <param name="Status">pending (not sealed), sealed (not yet on chain) or anchored.</param>
/// <param name="Seal">Chain position and inclusion proof, once sealed.</param>
/// <param name="Batch">The Merkle batch and its anchor, when asked for one entry.</param>
public sealed record AuditEntryResponse(
    long Id, DateTimeOffset Time, string Actor, string Action, string Subject, string? Payload, string PayloadHash,
    string Status, AuditSealResponse? Seal, AuditBatchResponse? Batch);

/// <summary>Where an entry sits in the hash chain and its batch.</summary>
/// <param name="Sequence">Chain position from 1.</param>
/// <param name="PreviousHash">Hash of the entry before.</param>
/// <param name="Hash">This entry's hash (the Merkle leaf).</param>
/// <param name="BatchId">Batch number (the on-chain key).</param>
/// <param name="LeafIndex">Index among the batch's leaves.</param>
/// <param name="Proof">Sibling hashes from the leaf up.</param>
public sealed record AuditSealResponse(long Sequence, string PreviousHash, string Hash, long BatchId, int LeafIndex, IReadOnlyList<string> Proof);

/// <summary>A Merkle batch.</summary>
/// <param name="Id">Batch number.</param>
/// <param name="Root">Merkle root.</param>
/// <param name="FirstSequence">First entry's sequence.</param>
/// <param name="Count">Entries in the batch.</param>
/// <param name="SealedAt">When it was sealed.</param>
/// <param name="Anchor">The chain transaction that recorded the root, once anchored.</param>
public sealed record AuditBatchResponse(long Id, string Root, long FirstSequence, int Count, DateTimeOffset SealedAt, AnchorResponse? Anchor);

/// <summary>Where a root landed.</summary>
/// <param name="TransactionHash">Transaction hash.</param>
/// <param name="BlockNumber">Block number.</param>
/// <param name="AnchoredAt">When the receipt was seen.</param>
public sealed record AnchorResponse(string TransactionHash, long BlockNumber, DateTimeOffset AnchoredAt);

/// <summary>A page of entries.</summary>
/// <param name="Items">Entries, newest first (or in sequence order for the chain listing).</param>
/// <param name="Next">Cursor for the next page, or null on the last page.</param>
public sealed record AuditPageResponse(IReadOnlyList<AuditEntryResponse> Items, long? Next);

/// <summary>What the server found checking an entry against the chain.</summary>
/// <param name="EntryId">The entry.</param>
/// <param name="Status">verified, pending or failed.</param>
/// <param name="Problems">What does not match.</param>
public sealed record AuditVerificationResponse(long EntryId, AuditVerificationStatus Status, IReadOnlyList<string> Problems);

/// <summary>Maps domain records to API shapes.</summary>
internal static class AuditMapping
{
    public static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    public static AuditEntryResponse ToResponse(this AuditEntry e, AuditBatch? batch = null) => new(
        e.Id, e.Time, e.Actor, e.Action, e.Subject, e.Payload, Hex(e.PayloadHash),
        e.Seal is null ? "pending" : batch?.Anchor is not null ? "anchored" : "sealed",
        e.Seal is { } s
            ? new AuditSealResponse(s.Sequence, Hex(s.PreviousHash), Hex(s.Hash), s.BatchId, s.LeafIndex,
                s.Proof.Chunk(MerkleTree.NodeSize).Select(Hex).ToList())
            : null,
        batch?.ToResponse());

    public static AuditBatchResponse ToResponse(this AuditBatch b) => new(
        b.Id, Hex(b.Root), b.FirstSequence, b.Count, b.SealedAt,
        b.Anchor is { } a ? new AnchorResponse(a.TransactionHash, a.BlockNumber, a.AnchoredAt) : null);
}
