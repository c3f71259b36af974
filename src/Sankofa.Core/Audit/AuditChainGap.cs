namespace Sankofa.Core.Audit;

/// <summary>
/// Batches the chain holds beyond the store's last batch: what a store restored from a backup lost (anchored after the
/// backup point). The store keeps the record so that the sealer never reuses those batch ids (the contract would refuse
/// another root for them) and so that operators and verifiers see what was lost.
/// </summary>
/// <param name="FirstBatchId">First batch id the store does not have.</param>
/// <param name="LastBatchId">Highest batch id found on chain; the next sealed batch gets the id after it.</param>
/// <param name="Batches">Batches found on chain in that range (a range may have holes: batches anchored out of order).</param>
/// <param name="Entries">Entries those batches hold on chain: accepted and anchored, and lost from the store.</param>
/// <param name="FirstSequence">Sequence of the first entry of the first such batch.</param>
/// <param name="FoundAt">When the control plane found them.</param>
public sealed record AuditChainGap(long FirstBatchId, long LastBatchId, int Batches, long Entries, long FirstSequence, DateTimeOffset FoundAt);
