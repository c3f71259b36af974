namespace Sankofa.Core.Audit;

/// <summary>Settings of the sealer and anchorer (configuration section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Audit";

    /// <summary>Most entries in one Merkle batch (one root on chain). Larger batches mean fewer transactions and longer proofs.</summary>
    public int BatchSize { get; set; } = 4096;

    /// <summary>
    /// Most batches sealed in one store transaction. Each batch keeps its own id, root and at most <see cref="BatchSize"/>
    /// entries; sealing several at once spares the store a transaction, a lock and a chain-head read per batch.
    /// </summary>
    public int BatchesPerSeal { get; set; } = 8;

    /// <summary>Most batch roots sent to the chain in one call of the ledger.</summary>
    public int BatchesPerAnchor { get; set; } = 64;

    /// <summary>How long the anchorer sleeps when nothing waits.</summary>
    public TimeSpan IdleDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>First wait after the chain could not be reached; it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between attempts while the chain is unreachable.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the newest anchored roots are checked against the chain (a chain can lose its last blocks).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many of the newest anchored batches each periodic check covers; at start every batch is checked.</summary>
    public int ReconcileWindow { get; set; } = 512;
}
