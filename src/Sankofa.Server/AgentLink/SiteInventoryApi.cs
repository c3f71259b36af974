using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core.Access;
using Sankofa.Core.Agents;
using Sankofa.Core.Topology;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;

namespace Sankofa.Server.AgentLink;

/// <summary>What a site's agent last reported: its hypervisor's nodes, its VMs, and the drift they show. Platform roles only.</summary>
internal static class SiteInventoryApi
{
    public static IEndpointRouteBuilder MapSiteInventoryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/sites/{site}/inventory", Get).WithName("GetSiteInventory").WithTags("Agents").Requires(Permission.AgentsRead)
            .WithSummary("The latest inventory the site's agent sent: when it was taken, whether the hypervisor answered, nodes, VMs and drift; 404 when none.");
        return app;
    }

    private static Results<Ok<SiteInventoryResponse>, ProblemHttpResult> Get(string site, HttpContext context, InventoryQueries queries)
    {
        var state = queries.Get(context.RequiredCaller(), site);
        return state.Error is { } error ? error.ToProblem() : TypedResults.Ok(SiteInventoryResponse.From(state.Value!));
    }
}

/// <summary>A site's latest inventory report.</summary>
/// <param name="SiteId">The site.</param>
/// <param name="TakenAt">When the agent read its hypervisor (the agent's clock).</param>
/// <param name="ReceivedAt">When this control plane received the report.</param>
/// <param name="HypervisorReachable">Whether the hypervisor answered the agent.</param>
/// <param name="Error">Why it did not, when it did not.</param>
/// <param name="Status">The site's health now, from this report (down once the agent has been silent past <c>AgentLink:SilentAfter</c>).</param>
/// <param name="StatusError">Why the site is down or degraded, when it is (e.g. the agent has been silent since when).</param>
/// <param name="Nodes">The hypervisor's nodes.</param>
/// <param name="Vms">The VMs carrying a resource id.</param>
/// <param name="Drift">What the report shows that the store does not.</param>
public sealed record SiteInventoryResponse(
    string SiteId, DateTimeOffset TakenAt, DateTimeOffset ReceivedAt, bool HypervisorReachable, string? Error, SiteStatus Status, string? StatusError,
    IReadOnlyList<InventoryNodeResponse> Nodes, IReadOnlyList<InventoryVmResponse> Vms, InventoryDriftResponse Drift)
{
    internal static SiteInventoryResponse From(SiteInventoryState state)
    {
        var (report, observation, drift) = state;
        return new SiteInventoryResponse(
            report.SiteId, report.TakenAt, report.ReceivedAt, report.HypervisorReachable, report.Error, observation.Status, observation.Error,
            [.. report.Nodes.Select(n => new InventoryNodeResponse(n.Name, n.Online, n.Cpus, n.CpuLoad, n.MemoryBytes, n.MemoryUsedBytes, n.MemoryFreeBytes,
                n.DiskBytes, n.DiskUsedBytes, n.DiskFreeBytes))],
            [.. report.Vms.Select(InventoryVmResponse.From)],
            new InventoryDriftResponse(
                drift.Checked,
                [.. drift.Vanished.Select(v => new VanishedVmResponse(v.ResourceId, v.Node, v.VmId))],
                [.. drift.Unknown.Select(u => new UnknownVmResponse(InventoryVmResponse.From(u.Vm), u.Reason))]));
    }
}

/// <summary>A hypervisor node as the agent reported it.</summary>
/// <param name="Name">The node (the catalog's host id).</param>
/// <param name="Online">Whether it answers.</param>
/// <param name="Cpus">CPU cores.</param>
/// <param name="CpuLoad">CPU load, 0..1.</param>
/// <param name="MemoryBytes">Memory it has.</param>
/// <param name="MemoryUsedBytes">Memory in use.</param>
/// <param name="MemoryFreeBytes">Memory free.</param>
/// <param name="DiskBytes">Disk it has.</param>
/// <param name="DiskUsedBytes">Disk in use.</param>
/// <param name="DiskFreeBytes">Disk free.</param>
public sealed record InventoryNodeResponse(
    string Name, bool Online, int Cpus, double CpuLoad, long MemoryBytes, long MemoryUsedBytes, long MemoryFreeBytes, long DiskBytes, long DiskUsedBytes, long DiskFreeBytes);

/// <summary>A VM carrying a resource id, as the agent reported it.</summary>
/// <param name="ResourceId">The resource id it carries.</param>
/// <param name="Node">Its node.</param>
/// <param name="VmId">Its id on the hypervisor.</param>
/// <param name="Status">What the hypervisor says of it.</param>
/// <param name="Name">Its name.</param>
public sealed record InventoryVmResponse(string ResourceId, string Node, int VmId, string Status, string Name)
{
    internal static InventoryVmResponse From(ReportedVm vm) => new(vm.ResourceId, vm.Node, vm.VmId, vm.Status, vm.Name);
}

/// <summary>The drift a report showed.</summary>
/// <param name="Checked">False when the report could not show any (the hypervisor did not answer the agent).</param>
/// <param name="Vanished">Verified resources of the site whose VM the report lacks.</param>
/// <param name="Unknown">VMs the control plane does not account for on the site.</param>
public sealed record InventoryDriftResponse(bool Checked, IReadOnlyList<VanishedVmResponse> Vanished, IReadOnlyList<UnknownVmResponse> Unknown);

/// <summary>A verified resource whose VM is gone from its site.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="Node">Where its VM was.</param>
/// <param name="VmId">Its VM's id.</param>
public sealed record VanishedVmResponse(string ResourceId, string? Node, int? VmId);

/// <summary>A VM the control plane does not account for on the site.</summary>
/// <param name="Vm">The VM as reported.</param>
/// <param name="Reason">No such resource, deleted, or placed on another site.</param>
public sealed record UnknownVmResponse(InventoryVmResponse Vm, string Reason);
