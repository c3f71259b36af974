namespace Sankofa.Core.Ledger;

/// <summary>
/// The chain side of the audit log: records Merkle batch roots on the AuditAnchor contract and reads them back.
/// Implementations must be idempotent per batch id: anchoring a batch the chain already holds with the same
/// root records nothing new and reports the existing record.
/// </summary>
public interface IAuditAnchorLedger
{
    /// <summary>
    /// Records the roots and completes once every one is included in a block (or already was).
    /// Throws <see cref="LedgerUnavailableException"/> when the chain cannot be reached; the caller retries later.
    /// </summary>
    Task<IReadOnlyList<AnchorResult>> AnchorAsync(IReadOnlyList<AnchorRequest> requests, CancellationToken cancellationToken);

    /// <summary>Reads the roots the chain holds for these batch ids; absent batches are left out of the result.</summary>
    Task<IReadOnlyDictionary<long, OnChainRoot>> GetRootsAsync(IReadOnlyList<long> batchIds, CancellationToken cancellationToken);
}

/// <summary>A batch root to record.</summary>
/// <param name="BatchId">Batch number; the on-chain key and the operation id that makes re-sending harmless.</param>
/// <param name="Root">32-byte Merkle root.</param>
/// <param name="FirstSequence">Sequence of the batch's first entry.</param>
/// <param name="Count">Number of entries in the batch.</param>
public sealed record AnchorRequest(long BatchId, byte[] Root, long FirstSequence, int Count);

/// <summary>Where a batch root was recorded.</summary>
/// <param name="BatchId">Batch number.</param>
/// <param name="TransactionHash">0x-prefixed hash of the transaction that recorded it.</param>
/// <param name="BlockNumber">Block that included that transaction.</param>
public sealed record AnchorResult(long BatchId, string TransactionHash, long BlockNumber);

/// <summary>What the chain holds for a batch.</summary>
/// <param name="BatchId">Batch number.</param>
/// <param name="Root">32-byte Merkle root.</param>
/// <param name="FirstSequence">Sequence of the batch's first entry.</param>
/// <param name="Count">Number of entries.</param>
/// <param name="BlockNumber">Block in which the root was recorded.</param>
public sealed record OnChainRoot(long BatchId, byte[] Root, long FirstSequence, int Count, long BlockNumber);
