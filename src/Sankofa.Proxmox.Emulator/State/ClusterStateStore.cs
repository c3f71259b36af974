using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sankofa.Proxmox.Emulator.State;

/// <summary>
/// Keeps each cluster's VMs in <c>{StateDirectory}/{id}.json</c>. Files are replaced atomically (write, then rename)
/// so a crash leaves the previous state, never half a file. Tasks are not kept: a VM caught mid-clone comes back
/// unlocked, one caught mid-destroy comes back gone — as if the interrupted task had finished.
/// </summary>
internal static class ClusterStateStore
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject Snapshot(EmulatedCluster cluster)
    {
        var vms = new JsonArray();
        foreach (var vm in cluster.Vms)
        {
            vms.Add(new JsonObject
            {
                ["vmid"] = vm.VmId,
                ["node"] = vm.Node,
                ["running"] = vm.Running,
                ["lock"] = vm.Lock,
                ["config"] = new JsonObject(vm.Config.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value.DeepClone()))),
            });
        }

        return new JsonObject { ["cluster"] = cluster.Id, ["vms"] = vms };
    }

    public static void Write(string directory, string clusterId, JsonObject snapshot)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, clusterId + ".json");
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, snapshot.ToJsonString(Indented));
        File.Move(temporary, path, overwrite: true);
    }

    public static IEnumerable<EmulatedVm>? Read(string directory, string clusterId, Func<string, bool> nodeExists, string firstNode, DateTimeOffset now)
    {
        var path = Path.Combine(directory, clusterId + ".json");
        if (!File.Exists(path))
        {
            return null;
        }

        var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{path} is not an emulated cluster state file.");
        var vms = new List<EmulatedVm>();
        foreach (var item in root["vms"] as JsonArray ?? [])
        {
            var lockName = (string?)item!["lock"];
            if (lockName == "destroyed")
            {
                continue;
            }

            var node = (string?)item["node"] ?? firstNode;
            var vm = new EmulatedVm((int)item["vmid"]!, nodeExists(node) ? node : firstNode)
            {
                Running = (bool?)item["running"] == true,
                Lock = lockName is "clone" ? null : lockName,
            };
            vm.StartedAt = vm.Running ? now : null;
            foreach (var (key, value) in item["config"] as JsonObject ?? [])
            {
                if (value is not null)
                {
                    vm.Config[key] = value.DeepClone();
                }
            }

            vms.Add(vm);
        }

        return vms;
    }
}
