namespace Sankofa.Core.Billing;

/// <summary>Settings of availability measuring (configuration section <c>Sla</c>, docs/configuration.md).</summary>
public sealed class SlaOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Sla";

    /// <summary>How often every VM's state is observed: an outage is measured to within this.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a site in direct mode may take to list its VMs before its VMs count as down.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many sites are asked at once.</summary>
    public int ProbeParallelism { get; set; } = 16;
}
