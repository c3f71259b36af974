namespace Sankofa.Agent.Work;

/// <summary>Who the agent works for and how much at once.</summary>
public sealed class WorkRunnerOptions
{
    /// <summary>The site this agent serves (as the catalog names it); work placed elsewhere on chain is refused.</summary>
    public string Site { get; set; } = string.Empty;

    /// <summary>The ResourceRegistry contract the agent reads and its attestations are for, 0x-prefixed (from the registration).</summary>
    public string Registry { get; set; } = string.Empty;

    /// <summary>The chain's id (from the registration; the light client checks the endpoint serves it).</summary>
    public long ChainId { get; set; }

    /// <summary>Work items run at the same time; more wait their turn. Default 4.</summary>
    public int MaxConcurrentWork { get; set; } = 4;

    /// <summary>How long a VM being deleted may take to shut down before it is stopped. Default 30 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
