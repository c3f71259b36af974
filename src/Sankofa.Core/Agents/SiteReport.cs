namespace Sankofa.Core.Agents;

/// <summary>One inventory report of a site's agent, as the control plane keeps it.</summary>
/// <param name="SiteId">The site (proven by the agent's link, not taken from the report).</param>
/// <param name="TakenAt">When the agent read its hypervisor (its own clock).</param>
/// <param name="ReceivedAt">When the control plane received it.</param>
/// <param name="HypervisorReachable">Whether the hypervisor answered the agent; when not, nodes and VMs are empty.</param>
/// <param name="Error">Why the hypervisor did not answer, when it did not.</param>
/// <param name="Nodes">The hypervisor's nodes.</param>
/// <param name="Vms">The VMs carrying a Sankofa resource id.</param>
public sealed record SiteReport(
    string SiteId, DateTimeOffset TakenAt, DateTimeOffset ReceivedAt, bool HypervisorReachable, string? Error,
    IReadOnlyList<ReportedNode> Nodes, IReadOnlyList<ReportedVm> Vms)
{
    /// <summary>
    /// When the report can be trusted to have been taken: no later than it arrived, whatever the agent's clock says, so
    /// an agent whose clock runs ahead cannot make a VM still being made count as vanished.
    /// </summary>
    public DateTimeOffset TakenNoLaterThan => TakenAt < ReceivedAt ? TakenAt : ReceivedAt;
}

/// <summary>A hypervisor node as the agent reports it.</summary>
/// <param name="Name">The node's name (the catalog's host id).</param>
/// <param name="Online">Whether the node answers.</param>
/// <param name="Cpus">CPU cores.</param>
/// <param name="CpuLoad">CPU load, 0..1.</param>
/// <param name="MemoryBytes">Memory the node has.</param>
/// <param name="MemoryUsedBytes">Memory in use.</param>
/// <param name="DiskBytes">Disk the node has.</param>
/// <param name="DiskUsedBytes">Disk in use.</param>
public sealed record ReportedNode(string Name, bool Online, int Cpus, double CpuLoad, long MemoryBytes, long MemoryUsedBytes, long DiskBytes, long DiskUsedBytes)
{
    /// <summary>Memory not in use.</summary>
    public long MemoryFreeBytes => Math.Max(0, MemoryBytes - MemoryUsedBytes);

    /// <summary>Disk not in use.</summary>
    public long DiskFreeBytes => Math.Max(0, DiskBytes - DiskUsedBytes);
}

/// <summary>A VM carrying a Sankofa resource id, as the agent reports it.</summary>
/// <param name="ResourceId">The resource id the VM carries.</param>
/// <param name="Node">The node it is on.</param>
/// <param name="VmId">Its id on the hypervisor.</param>
/// <param name="Status">What the hypervisor says of it (running, stopped).</param>
/// <param name="Name">Its name on the hypervisor.</param>
public sealed record ReportedVm(string ResourceId, string Node, int VmId, string Status, string Name);

/// <summary>What a report showed that the store does not: the drift between the site and the control plane.</summary>
/// <param name="Checked">False when the report could not show drift (the hypervisor did not answer the agent).</param>
/// <param name="Vanished">Verified resources of the site whose VM the report lacks.</param>
/// <param name="Unknown">VMs carrying a resource id the store does not know at this site, or knows as deleted.</param>
public sealed record DriftFound(bool Checked, IReadOnlyList<VanishedVm> Vanished, IReadOnlyList<UnknownVm> Unknown)
{
    /// <summary>Nothing checked (no report could show drift).</summary>
    public static DriftFound NotChecked { get; } = new(false, [], []);
}

/// <summary>A verified resource whose VM is no longer on its site.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="Node">The node the VM was on, as the store knows it.</param>
/// <param name="VmId">The VM's id on the hypervisor, as the store knows it.</param>
public sealed record VanishedVm(string ResourceId, string? Node, int? VmId);

/// <summary>A VM on a site that the control plane does not account for there.</summary>
/// <param name="Vm">The VM as reported.</param>
/// <param name="Reason">Why it is unknown: no such resource, deleted, or placed on another site.</param>
public sealed record UnknownVm(ReportedVm Vm, string Reason);

/// <summary>The latest report of a site with what the control plane made of it.</summary>
/// <param name="Report">The report.</param>
/// <param name="Observation">The site's health as of now (down once the agent has been silent too long).</param>
/// <param name="Drift">The drift the report showed.</param>
public sealed record SiteInventoryState(SiteReport Report, Topology.SiteObservation Observation, DriftFound Drift);

/// <summary>The latest inventory reports of sites in agent mode.</summary>
public interface ISiteReports
{
    /// <summary>The site's latest report with its health and drift, or null when its agent has sent none (to this control plane).</summary>
    SiteInventoryState? Latest(string siteId);
}
