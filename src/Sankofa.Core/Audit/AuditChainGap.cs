namespace Sankofa.Core.Audit;

/// <summary>
/// Batches the chain holds beyond the store's last batch: what a store restored from a backup lost (anchored after the
/// backup point). The store keeps the record so that the sealer never reuses those batch ids (the contract would refuse
/// another root for them) and so that operators and verifiers see what was lost.
/// </summary>
/// <param name="FirstBatchId">First batch id the store does not have.</param>
/// <param name="LastBatchId">Highest batch id found on chain; the next sealed batch gets the id after it.</param>
/// <param name="Batches">Batches found on chain in that range (a range may have holes: batches anchored out of order).</param>
/// <param name="Entries">Entries those batches hold on chain (the sum of their counts).</param>
/// <param name="Resealed">
/// Of <paramref name="Entries"/>, at most this many are entries the restored store still holds: accepted before the backup
/// point but sealed after it, into a batch that also holds entries the store lost, so its root cannot be rebuilt. They are
/// sealed again after the gap and keep a proof; the lost batch's root on chain can no longer be opened by anyone.
/// <c>Entries - Resealed</c> entries at least were accepted, anchored, and lost.
/// </param>
/// <param name="FirstSequence">Sequence of the first entry of the first such batch.</param>
/// <param name="FoundAt">When the control plane found them.</param>
public sealed record AuditChainGap(
    long FirstBatchId, long LastBatchId, int Batches, long Entries, long Resealed, long FirstSequence, DateTimeOffset FoundAt);

/// <summary>What comparing a (possibly restored) store with the chain found.</summary>
/// <param name="Recovered">
/// Batches the chain holds beyond the store that the store could seal again exactly as they were (same entries, same
/// root): entries accepted before the backup point and sealed after it. They keep their batch ids and proofs, and
/// re-anchoring them changes nothing on chain (the contract ignores a root it already holds).
/// </param>
/// <param name="Gap">What remains beyond the store and was lost, or <c>null</c>.</param>
public sealed record AuditChainComparison(int Recovered, AuditChainGap? Gap);
