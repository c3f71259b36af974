namespace Sankofa.Core.Ledger;

/// <summary>
/// Raised by the ledger when the chain it talks to has lost state the control plane relied on
/// (embedded chain restarted without its state file, contracts redeployed). The anchorer then re-checks
/// every anchored batch instead of only the recent ones.
/// </summary>
public interface IChainRecovery
{
    /// <summary>Incremented each time the ledger (re)initialised contracts on a chain that had lost them.</summary>
    long Generation { get; }
}
