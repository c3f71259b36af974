using Sankofa.Core.Audit;

namespace Sankofa.Server.Audit;

/// <summary>
/// Whether this process's anchoring worker has compared the store with the chain since start, and what the chain holds
/// beyond the store (batches a restored store lost); <c>/readyz</c> reports it.
/// </summary>
internal sealed class AuditChainCheck
{
    private volatile Outcome? outcome;

    /// <summary>Whether the comparison ran since start.</summary>
    public bool Done => outcome is not null;

    /// <summary>The line <c>/readyz</c> shows.</summary>
    public string Describe() => outcome switch
    {
        null => "waiting for the first comparison with the chain",
        { Gap: null } => "ok (the chain holds no batch beyond the store)",
        { Gap: { } g } => $"ok; the chain holds {g.Batches} batch(es) with {g.Entries} entries beyond the store (batches {g.FirstBatchId}..{g.LastBatchId}, "
                          + $"lost in a restore, found {g.FoundAt:u}); new batches are sealed after them",
    };

    internal void Completed(AuditChainGap? gap) => outcome = new Outcome(gap);

    private sealed record Outcome(AuditChainGap? Gap);
}
