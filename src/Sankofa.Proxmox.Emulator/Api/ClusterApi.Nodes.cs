using System.Globalization;
using System.Text.Json.Nodes;
using Sankofa.Proxmox.Emulator.State;

namespace Sankofa.Proxmox.Emulator.Api;

// The cluster and its nodes: free VM ids, resources, node status and the VMs on a node.
internal sealed partial class ClusterApi
{
    private ApiResult NextId(ApiRequest request)
    {
        if (request.Optional("vmid") is not null)
        {
            var wanted = request.Int("vmid");
            return cluster.FindVm(wanted) is null
                ? ApiResult.Ok(wanted)
                : ApiResult.InvalidParameter("vmid", $"VM {wanted} already exists");
        }

        var id = 100;
        while (cluster.FindVm(id) is not null)
        {
            id++;
        }

        // Proxmox returns the id as a string in the data field.
        return ApiResult.Ok(id.ToString(CultureInfo.InvariantCulture));
    }

    private ApiResult Resources(ApiRequest request)
    {
        var type = request.Optional("type");
        var list = new JsonArray();
        if (type is null or "node")
        {
            foreach (var node in cluster.Nodes)
            {
                list.Add(new JsonObject
                {
                    ["id"] = "node/" + node.Name, ["type"] = "node", ["node"] = node.Name, ["status"] = node.Online ? "online" : "offline",
                    ["maxcpu"] = node.Cores, ["maxmem"] = node.MemoryBytes, ["mem"] = UsedMemory(node.Name),
                });
            }
        }

        if (type is null or "vm")
        {
            foreach (var vm in cluster.Vms)
            {
                var online = cluster.FindNode(vm.Node)?.Online == true;
                var entry = new JsonObject
                {
                    ["id"] = "qemu/" + vm.VmId.ToString(CultureInfo.InvariantCulture), ["type"] = "qemu", ["vmid"] = vm.VmId, ["node"] = vm.Node,
                    ["name"] = vm.Name, ["status"] = online ? (vm.Running ? "running" : "stopped") : "unknown",
                    ["template"] = vm.IsTemplate ? 1 : 0, ["maxcpu"] = vm.Cores, ["maxmem"] = vm.MemoryBytes,
                    ["mem"] = vm.Running ? vm.MemoryBytes / 4 : 0, ["uptime"] = Uptime(vm),
                };
                if (vm.Config.TryGetValue("tags", out var tags))
                {
                    entry["tags"] = tags.ToString();
                }

                if (vm.Lock is not null)
                {
                    entry["lock"] = vm.Lock;
                }

                list.Add(entry);
            }
        }

        return ApiResult.Ok(list);
    }

    private JsonObject NodeSummary(EmulatedNode node) => node.Online
        ? new JsonObject
        {
            ["node"] = node.Name, ["status"] = "online", ["maxcpu"] = node.Cores, ["maxmem"] = node.MemoryBytes, ["mem"] = UsedMemory(node.Name),
            ["cpu"] = 0.02, ["uptime"] = (long)(cluster.Context.Time.GetUtcNow() - node.BootedAt).TotalSeconds, ["level"] = "",
            ["type"] = "node", ["id"] = "node/" + node.Name,
        }
        : new JsonObject { ["node"] = node.Name, ["status"] = "offline", ["type"] = "node", ["id"] = "node/" + node.Name };

    private ApiResult NodeStatus(ApiRequest request)
    {
        var node = cluster.FindNode(request["node"])!;
        var used = UsedMemory(node.Name);
        return ApiResult.Ok(new JsonObject
        {
            ["uptime"] = (long)(cluster.Context.Time.GetUtcNow() - node.BootedAt).TotalSeconds,
            ["cpu"] = 0.02,
            ["cpuinfo"] = new JsonObject { ["cpus"] = node.Cores, ["cores"] = node.Cores, ["sockets"] = 1, ["model"] = "Emulated CPU" },
            ["memory"] = new JsonObject { ["total"] = node.MemoryBytes, ["used"] = used, ["free"] = node.MemoryBytes - used },
            ["pveversion"] = "pve-manager/9.1.3/e5010dc",
            ["kversion"] = "Linux 6.14.11-4-pve",
        });
    }

    private ApiResult ListVms(ApiRequest request)
    {
        var list = new JsonArray();
        foreach (var vm in cluster.Vms.Where(v => v.Node == request["node"]))
        {
            var entry = new JsonObject
            {
                ["vmid"] = vm.VmId, ["name"] = vm.Name, ["status"] = vm.Running ? "running" : "stopped", ["cpus"] = vm.Cores,
                ["maxmem"] = vm.MemoryBytes, ["uptime"] = Uptime(vm),
            };
            if (vm.IsTemplate)
            {
                entry["template"] = 1;
            }

            if (vm.Lock is not null)
            {
                entry["lock"] = vm.Lock;
            }

            if (vm.Config.TryGetValue("tags", out var tags))
            {
                entry["tags"] = tags.ToString();
            }

            list.Add(entry);
        }

        return ApiResult.Ok(list);
    }
}
