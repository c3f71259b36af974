namespace Sankofa.Server.Monitoring;

/// <summary>How often the server refreshes the metrics it cannot count as things happen (configuration section <c>Monitoring</c>).</summary>
public sealed class MonitoringOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Monitoring";

    /// <summary>
    /// How often the store is counted (resources by status and site, the reconciler's due work, pending identity steps):
    /// a grouped count over the resources table, so not at every scrape.
    /// </summary>
    public TimeSpan CountInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the chain is asked for its head block (<c>sankofa_chain_up</c>, <c>sankofa_chain_head_*</c>).</summary>
    public TimeSpan ChainProbeInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the chain may take to answer a probe before it counts as unreachable.</summary>
    public TimeSpan ChainProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
