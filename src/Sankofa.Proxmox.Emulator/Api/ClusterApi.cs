using System.Globalization;
using System.Text.Json.Nodes;
using Sankofa.Proxmox.Emulator.Schema;
using Sankofa.Proxmox.Emulator.State;

namespace Sankofa.Proxmox.Emulator.Api;

/// <summary>
/// The behaviour behind each served endpoint, with Proxmox's answers: worker tasks return a UPID, config locks and
/// running tasks block conflicting operations, errors carry Proxmox's messages. Called under the cluster's lock with
/// parameters already checked against the schema.
/// </summary>
internal sealed partial class ClusterApi(EmulatedCluster cluster, ApiMethod configSchema)
{
    public ApiResult Handle(string template, ApiRequest request)
    {
        // Everything under /nodes/{node} is proxied by Proxmox to that node, so a node that is gone fails it with 595.
        if (request.Parameters.TryGetValue("node", out var nodeName) && template.StartsWith("/nodes/{node}", StringComparison.Ordinal))
        {
            var node = cluster.FindNode(nodeName);
            if (node is null)
            {
                return ApiResult.Failure($"hostname lookup '{nodeName}' failed - failed to get address info for: {nodeName}: Name or service not known");
            }

            if (!node.Online)
            {
                return ApiResult.NodeUnreachable();
            }
        }

        return (request.Method, template) switch
        {
            ("GET", "/version") => ApiResult.Ok(new JsonObject { ["version"] = "9.1.3", ["release"] = "9.1", ["repoid"] = "e5010dc" }),
            ("GET", "/cluster/nextid") => NextId(request),
            ("GET", "/cluster/resources") => Resources(request),
            ("GET", "/nodes") => ApiResult.Ok(new JsonArray([.. cluster.Nodes.Select(NodeSummary)])),
            ("GET", "/nodes/{node}/status") => NodeStatus(request),
            ("GET", "/nodes/{node}/qemu") => ListVms(request),
            ("DELETE", "/nodes/{node}/qemu/{vmid}") => Destroy(request),
            ("POST", "/nodes/{node}/qemu/{vmid}/clone") => Clone(request),
            ("GET", "/nodes/{node}/qemu/{vmid}/config") => GetConfig(request),
            ("POST", "/nodes/{node}/qemu/{vmid}/config") => UpdateConfig(request, background: true),
            ("PUT", "/nodes/{node}/qemu/{vmid}/config") => UpdateConfig(request, background: false),
            ("PUT", "/nodes/{node}/qemu/{vmid}/resize") => Resize(request),
            ("GET", "/nodes/{node}/qemu/{vmid}/status/current") => CurrentStatus(request),
            ("POST", "/nodes/{node}/qemu/{vmid}/status/start") => Start(request),
            ("POST", "/nodes/{node}/qemu/{vmid}/status/shutdown") => Shutdown(request),
            ("POST", "/nodes/{node}/qemu/{vmid}/status/stop") => Stop(request),
            ("GET", "/nodes/{node}/tasks/{upid}/status") => TaskStatus(request),
            _ => ApiResult.NotImplemented(request.Method, request.Path),
        };
    }

    private ApiResult? FindVmOn(string node, int vmId, out EmulatedVm vm)
    {
        vm = cluster.FindVm(vmId)!;
        // Proxmox looks for the config on the node the request names; a VM elsewhere does not exist there.
        return vm is null || vm.Node != node ? ApiResult.NotConfigured(node, vmId) : null;
    }

    /// <summary>A config lock (clone, backup, …) or another task still holding the VM's file lock blocks a change, as in Proxmox.</summary>
    private static ApiResult? Blocked(EmulatedVm vm, ApiRequest request)
    {
        if (vm.Lock is not null && !request.Flag("skiplock"))
        {
            return ApiResult.Failure($"VM {vm.VmId} is locked ({vm.Lock})");
        }

        return vm.ActiveTask is { Finished: false }
            ? ApiResult.Failure($"can't lock file '/var/lock/qemu-server/lock-{vm.VmId}.conf' - got timeout")
            : null;
    }

    private long UsedMemory(string node) => cluster.Vms.Where(v => v.Node == node && v.Running).Sum(v => v.MemoryBytes);

    private long Uptime(EmulatedVm vm) => vm.StartedAt is { } started ? (long)(cluster.Context.Time.GetUtcNow() - started).TotalSeconds : 0;

    private static string Id(EmulatedVm vm) => vm.VmId.ToString(CultureInfo.InvariantCulture);
}
