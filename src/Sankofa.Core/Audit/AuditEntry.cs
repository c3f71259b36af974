namespace Sankofa.Core.Audit;

/// <summary>An audit entry as stored: what happened, and — once sealed — its place in the hash chain and batch.</summary>
/// <param name="Id">Store identity, assigned at append; stable for the entry's life.</param>
/// <param name="Time">When the mutation was accepted.</param>
/// <param name="Actor">Who did it (a user, service or site id; never a secret).</param>
/// <param name="Action">What was done, as <c>feature.verb</c> (e.g. <c>ledger.contract.deployed</c>).</param>
/// <param name="Subject">What it was done to (an id or URN).</param>
/// <param name="PayloadHash">SHA-256 of the payload; the payload itself stays off chain and may be erased.</param>
/// <param name="Payload">The payload as JSON, or <c>null</c> once erased (the hash stays and still verifies the chain).</param>
/// <param name="Seal">Chain position, hashes and batch, or <c>null</c> while the entry waits for the sealer.</param>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset Time,
    string Actor,
    string Action,
    string Subject,
    byte[] PayloadHash,
    string? Payload,
    AuditSeal? Seal);

/// <summary>Where a sealed entry sits in the hash chain and in its anchored Merkle batch.</summary>
/// <param name="Sequence">Position in the hash chain, from 1, without gaps.</param>
/// <param name="PreviousHash">Hash of the entry at <c>Sequence - 1</c> (32 zero bytes for the first).</param>
/// <param name="Hash">This entry's hash, the Merkle leaf (see <see cref="AuditHashing"/>).</param>
/// <param name="BatchId">The Merkle batch the entry belongs to.</param>
/// <param name="LeafIndex">The entry's index among the batch's leaves.</param>
/// <param name="Proof">Sibling hashes from the leaf up to the batch root (32 bytes each).</param>
public sealed record AuditSeal(long Sequence, byte[] PreviousHash, byte[] Hash, long BatchId, int LeafIndex, byte[] Proof);

/// <summary>A Merkle batch of sealed entries and its anchoring state.</summary>
/// <param name="Id">Batch number, from 1, without gaps; it is also the on-chain key of the root.</param>
/// <param name="Root">Merkle root over the entries' hashes in sequence order.</param>
/// <param name="FirstSequence">Sequence of the batch's first entry.</param>
/// <param name="Count">Number of entries.</param>
/// <param name="SealedAt">When the batch was sealed.</param>
/// <param name="Anchor">Where the root landed on chain, or <c>null</c> while it is not (or no longer) there.</param>
public sealed record AuditBatch(long Id, byte[] Root, long FirstSequence, int Count, DateTimeOffset SealedAt, AnchorRecord? Anchor);

/// <summary>The chain transaction that recorded a batch root.</summary>
/// <param name="TransactionHash">0x-prefixed transaction hash.</param>
/// <param name="BlockNumber">Block that included it.</param>
/// <param name="AnchoredAt">When the control plane saw the receipt.</param>
public sealed record AnchorRecord(string TransactionHash, long BlockNumber, DateTimeOffset AnchoredAt);

/// <summary>A mutation to record: the application layer turns it into an entry in the mutation's transaction.</summary>
/// <param name="Actor">Who did it.</param>
/// <param name="Action">What was done, as <c>feature.verb</c>.</param>
/// <param name="Subject">What it was done to.</param>
/// <param name="Payload">Details as JSON (kept off chain; its hash is chained).</param>
public sealed record AuditEvent(string Actor, string Action, string Subject, string Payload);
