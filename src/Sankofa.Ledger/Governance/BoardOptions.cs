namespace Sankofa.Ledger.Governance;

/// <summary>
/// The governance board (<c>Ledger:Board</c>). With members configured, the ledger deploys a SankofaBoard and its
/// timelock on first start (recorded in <c>ledger/deployment.json</c>) and hands them every contract: the timelock takes
/// the admin and pauser roles, the board the pauser role (emergency pauses), and the control plane's key gives up both,
/// keeping only its operational roles. Without members (the default) the control plane's key keeps the admin role.
/// </summary>
public sealed class BoardOptions
{
    /// <summary>The members' addresses (0x and 40 hex digits), each a key its member holds alone.</summary>
    public IList<string> Members { get; } = [];

    /// <summary>Approvals a proposal needs (k). Default 0: a majority of the members.</summary>
    public int Threshold { get; set; }

    /// <summary>Approvals an emergency pause needs. Default 1.</summary>
    public int EmergencyThreshold { get; set; } = 1;

    /// <summary>How long a decided proposal waits in the timelock before it can run. Default 2 days.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Whether a board is configured.</summary>
    public bool Enabled => Members.Count > 0;

    /// <summary>The threshold in effect (<see cref="Threshold"/>, or a majority when it is 0).</summary>
    public int EffectiveThreshold => Threshold > 0 ? Threshold : (Members.Count / 2) + 1;
}
