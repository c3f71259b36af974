using Sankofa.Core.Audit;

namespace Sankofa.Server.Audit;

/// <summary>
/// Whether this process's anchoring worker has compared the store with the chain since start, and what the chain holds
/// beyond the store (batches a restored store lost); <c>/readyz</c> reports it.
/// </summary>
internal sealed class AuditChainCheck
{
    private volatile AuditChainComparison? outcome;
    private volatile bool following;

    /// <summary>Whether the comparison ran since start.</summary>
    public bool Done => outcome is not null;

    /// <summary>The line <c>/readyz</c> shows.</summary>
    public string Describe() => outcome switch
    {
        null when following => "another replica leads the audit worker and compares the store with the chain (GET /api/v1/audit/chain-gaps)",
        null => "waiting for the first comparison with the chain",
        { Gap: null } c => "ok (the chain holds no batch beyond the store" + Recovered(c) + ")",
        { Gap: { } g } c => $"ok; the chain holds {g.Batches} batch(es) with {g.Entries} entries beyond the store (batches {g.FirstBatchId}..{g.LastBatchId}, "
                            + $"lost in a restore, found {g.FoundAt:u}; up to {g.Resealed} of those entries were still in the store and are sealed again"
                            + Recovered(c) + "); new batches are sealed after them",
    };

    internal void Completed(AuditChainComparison comparison) => outcome = comparison;

    /// <summary>Another replica leads the audit worker: it compares, this one reports so.</summary>
    internal void Following() => following = true;

    private static string Recovered(AuditChainComparison c) =>
        c.Recovered == 0 ? string.Empty : $"; {c.Recovered} batch(es) the store could rebuild exactly were sealed again as they were";
}
