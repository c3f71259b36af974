using Prometheus;
using Sankofa.Core.Provisioning;

namespace Sankofa.Server.Provisioning;

/// <summary>
/// Whether this process compared the store's resources with the chain since start (<see cref="ResourceChainAhead"/>),
/// and what the chain holds beyond the store (resources a restored store lost, or lost track of); <c>/readyz</c>
/// reports it and Prometheus counts it. With replicas only the one leading the resource chain check compares.
/// </summary>
internal sealed class ResourceChainAheadCheck
{
    private static readonly Counter Found = Metrics.CreateCounter("sankofa_resource_chain_gaps_total",
        "Resources the chain holds further on than the store (or that the store does not know), found at start after a restore; by outcome (adopted, reported).",
        "outcome");

    private volatile IReadOnlyList<ResourceChainGap>? outcome;

    /// <summary>Whether the comparison ran in this process since start.</summary>
    public bool Done => outcome is not null;

    /// <summary>The line <c>/readyz</c> shows.</summary>
    public string Describe() => outcome switch
    {
        null => "waiting for the first comparison with the chain (made by the replica leading the resource chain check)",
        { Count: 0 } => "ok (the chain holds no resource record beyond the store)",
        { } gaps => $"ok; the chain holds {gaps.Count} resource record(s) beyond the store ({gaps.Count(g => g.StoreStatus is null)} unknown to it, "
                    + $"{gaps.Count(g => g.Outcome == ResourceChainGap.Adopted)} adopted, {gaps.Count(g => g.Outcome == ResourceChainGap.Reported)} reported): "
                    + "GET /api/v1/resources/chain-gaps",
    };

    internal void Completed(IReadOnlyList<ResourceChainGap> gaps)
    {
        foreach (var gap in gaps)
        {
            Found.WithLabels(gap.Outcome).Inc();
        }

        outcome = gaps;
    }
}
