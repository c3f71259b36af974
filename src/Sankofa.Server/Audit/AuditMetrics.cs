using Prometheus;
using Sankofa.Core.Audit;

namespace Sankofa.Server.Audit;

/// <summary>Prometheus series of the audit pipeline: what waits, how far behind anchoring is, what got through.</summary>
internal sealed class AuditMetrics
{
    private readonly Gauge unsealed = Metrics.CreateGauge("sankofa_audit_unsealed_entries", "Audit entries accepted but not yet sealed into a batch.");
    private readonly Gauge unanchored = Metrics.CreateGauge("sankofa_audit_unanchored_batches", "Sealed batches whose root is not yet on chain.");
    private readonly Gauge lag = Metrics.CreateGauge("sankofa_audit_anchoring_lag_seconds", "Age of the oldest entry not yet anchored (0 when none waits).");
    private readonly Gauge lastAnchor = Metrics.CreateGauge("sankofa_audit_last_anchor_timestamp_seconds", "Unix time a batch root last reached the chain.");
    private readonly Counter sealedEntries = Metrics.CreateCounter("sankofa_audit_sealed_entries_total", "Entries sealed into batches.");
    private readonly Counter anchoredBatches = Metrics.CreateCounter("sankofa_audit_anchored_batches_total", "Batch roots recorded on chain.");
    private readonly Counter reanchored = Metrics.CreateCounter("sankofa_audit_missing_roots_total", "Anchored roots found missing on chain and queued again.");
    private readonly Counter lostInRestore = Metrics.CreateCounter("sankofa_audit_chain_gap_entries_total", "Entries the chain holds in batches beyond the store (lost by a restore from a backup), found at start.");
    private readonly Counter chainErrors = Metrics.CreateCounter("sankofa_audit_chain_unavailable_total", "Anchoring attempts that found the chain unreachable.");

    public void Sealed(int entries) => sealedEntries.Inc(entries);

    public void Anchored(int batches) => anchoredBatches.Inc(batches);

    public void Missing(int batches) => reanchored.Inc(batches);

    public void ChainGap(AuditChainGap gap) => lostInRestore.Inc(gap.Entries);

    public void ChainUnavailable() => chainErrors.Inc();

    public void Backlog(AuditBacklog backlog, DateTimeOffset now)
    {
        unsealed.Set(backlog.UnsealedEntries);
        unanchored.Set(backlog.UnanchoredBatches);
        lag.Set(backlog.OldestUnanchoredSince is { } t ? Math.Max(0, (now - t).TotalSeconds) : 0);
        if (backlog.LastAnchoredAt is { } last)
        {
            lastAnchor.Set(last.ToUnixTimeMilliseconds() / 1000.0);
        }
    }
}
