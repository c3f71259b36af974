namespace Sankofa.Core.Topology;

/// <summary>Health of a site or host as last reported.</summary>
public enum SiteStatus
{
    /// <summary>Healthy; takes new workloads.</summary>
    Up,

    /// <summary>Impaired but serving; still takes new workloads, scored lower by placement.</summary>
    Degraded,

    /// <summary>Not serving; takes no new workloads (placement fails over to an adjacent site).</summary>
    Down,
}
