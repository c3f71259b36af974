using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
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
    // Parameters of the config endpoints that steer the call rather than being stored.
    private static readonly HashSet<string> ControlParameters = new(StringComparer.Ordinal)
    {
        "node", "vmid", "digest", "skiplock", "delete", "revert", "force", "background_delay",
    };

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

    private ApiResult Clone(ApiRequest request)
    {
        var node = request["node"];
        if (FindVmOn(node, request.Int("vmid"), out var source) is { } missing)
        {
            return missing;
        }

        var newId = request.Int("newid");
        if (cluster.TakeCloneIdOnce(request.Optional("target") ?? node) is { } intruderNode && cluster.FindVm(newId) is null)
        {
            var intruder = new EmulatedVm(newId, intruderNode);
            intruder.Config["name"] = "taken-by-another-client";
            cluster.AddVm(intruder);
        }

        if (cluster.FindVm(newId) is not null)
        {
            return ApiResult.Failure($"unable to create VM {newId}: config file already exists");
        }

        var full = request.Optional("full") is { } f ? ApiMethod.ParseBoolean(f) == true : !source.IsTemplate;
        if (!source.IsTemplate && !full)
        {
            return ApiResult.Failure("Linked clone feature is not supported for drive 'scsi0'");
        }

        // Cloning a plain VM locks it for the copy; a template may be cloned by many at once.
        if (!source.IsTemplate && Blocked(source, request) is { } blocked)
        {
            return blocked;
        }

        var target = request.Optional("target") ?? node;
        if (cluster.FindNode(target) is not { } targetNode)
        {
            return ApiResult.InvalidParameter("target", $"no such node '{target}'");
        }

        if (!targetNode.Online)
        {
            return ApiResult.NodeUnreachable();
        }

        // Like Proxmox, the new VM's config is written first, locked, with name and description; the disks follow.
        var clone = new EmulatedVm(newId, target) { Lock = "clone" };
        foreach (var (key, value) in source.Config)
        {
            if (key is not ("template" or "name" or "description" or "tags"))
            {
                clone.Config[key] = value.DeepClone();
            }
        }

        clone.Config["name"] = request.Optional("name") ?? $"Copy-of-VM-{source.Name}";
        if (request.Optional("description") is { } description)
        {
            clone.Config["description"] = description;
        }

        foreach (var disk in clone.Config.Keys.Where(k => DiskKey().IsMatch(k)).ToList())
        {
            clone.Config[disk] = DiskVolume().Replace(clone.Config[disk].ToString(), $"vm-{newId}-", 1);
        }

        clone.Config["vmgenid"] = cluster.Context.NewUuid();
        clone.Config["smbios1"] = "uuid=" + cluster.Context.NewUuid();
        cluster.AddVm(clone);
        if (!source.IsTemplate)
        {
            source.Lock = "clone";
        }

        var task = cluster.StartTask(node, "qmclone", source.VmId.ToString(CultureInfo.InvariantCulture), request.User, clone, null,
            onSuccess: () =>
            {
                clone.Lock = null;
                if (!source.IsTemplate)
                {
                    source.Lock = null;
                }
            },
            onFailure: () =>
            {
                // A failed clone removes what it created, as Proxmox's clone worker does.
                cluster.RemoveVm(newId);
                if (!source.IsTemplate)
                {
                    source.Lock = null;
                }
            });
        return ApiResult.Ok(task.Upid);
    }

    private ApiResult GetConfig(ApiRequest request)
    {
        if (FindVmOn(request["node"], request.Int("vmid"), out var vm) is { } missing)
        {
            return missing;
        }

        var config = new JsonObject();
        foreach (var (key, value) in vm.Config)
        {
            config[key] = value.DeepClone();
        }

        if (vm.Lock is not null)
        {
            config["lock"] = vm.Lock;
        }

        config["digest"] = Digest(vm);
        return ApiResult.Ok(config);
    }

    private ApiResult UpdateConfig(ApiRequest request, bool background)
    {
        if (FindVmOn(request["node"], request.Int("vmid"), out var vm) is { } missing)
        {
            return missing;
        }

        if (Blocked(vm, request) is { } blocked)
        {
            return blocked;
        }

        if (request.Optional("digest") is { } digest && digest != Digest(vm))
        {
            return ApiResult.Failure("detected modified configuration - file changed by other user? Try again.");
        }

        var deletions = (request.Optional("delete") ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries);
        foreach (var key in deletions)
        {
            if (request.Parameters.ContainsKey(key))
            {
                return ApiResult.InvalidParameter(key, $"unable to delete parameter '{key}' which is also set");
            }
        }

        foreach (var key in deletions)
        {
            vm.Config.Remove(key);
        }

        foreach (var (key, value) in request.Parameters)
        {
            if (!ControlParameters.Contains(key))
            {
                vm.Config[key] = Typed(key, value);
            }
        }

        if (!background)
        {
            return ApiResult.Ok(null);
        }

        var task = cluster.StartTask(request["node"], "qmconfig", vm.VmId.ToString(CultureInfo.InvariantCulture), request.User, vm, null, onSuccess: null);
        return ApiResult.Ok(task.Upid);
    }

    private ApiResult Resize(ApiRequest request)
    {
        if (FindVmOn(request["node"], request.Int("vmid"), out var vm) is { } missing)
        {
            return missing;
        }

        if (Blocked(vm, request) is { } blocked)
        {
            return blocked;
        }

        var disk = request["disk"];
        if (!vm.Config.TryGetValue(disk, out var volume))
        {
            return ApiResult.Failure($"disk '{disk}' does not exist");
        }

        var current = SizeOf(volume.ToString());
        var size = request["size"];
        var requested = ParseSize(size.TrimStart('+'));
        var target = size.StartsWith('+') ? current + requested : requested;
        if (target < current)
        {
            return ApiResult.Failure("shrinking disks is not supported");
        }

        var task = cluster.StartTask(request["node"], "resize", vm.VmId.ToString(CultureInfo.InvariantCulture), request.User, vm, null,
            onSuccess: () => vm.Config[disk] = SizeAttribute().Replace(vm.Config[disk].ToString(), "size=" + FormatSize(target)));
        return ApiResult.Ok(task.Upid);
    }

    private ApiResult CurrentStatus(ApiRequest request)
    {
        if (FindVmOn(request["node"], request.Int("vmid"), out var vm) is { } missing)
        {
            return missing;
        }

        var status = new JsonObject
        {
            ["vmid"] = vm.VmId, ["name"] = vm.Name, ["status"] = vm.Running ? "running" : "stopped", ["qmpstatus"] = vm.Running ? "running" : "stopped",
            ["cpus"] = vm.Cores, ["maxmem"] = vm.MemoryBytes, ["mem"] = vm.Running ? vm.MemoryBytes / 4 : 0, ["uptime"] = Uptime(vm),
            ["ha"] = new JsonObject { ["managed"] = 0 },
        };
        if (vm.Running)
        {
            status["pid"] = 100_000 + vm.VmId;
        }

        if (vm.Lock is not null)
        {
            status["lock"] = vm.Lock;
        }

        if (vm.IsTemplate)
        {
            status["template"] = 1;
        }

        if (vm.Config.TryGetValue("tags", out var tags))
        {
            status["tags"] = tags.ToString();
        }

        return ApiResult.Ok(status);
    }

    private ApiResult Start(ApiRequest request)
    {
        if (FindVmOn(request["node"], request.Int("vmid"), out var vm) is { } missing)
        {
            return missing;
        }

        if (vm.IsTemplate)
        {
            return ApiResult.Failure("you can't start a vm if it's a template");
        }

        if (Blocked(vm, request) is { } blocked)
        {
            return blocked;
        }

        var node = cluster.FindNode(vm.Node)!;
        var task = cluster.StartTask(vm.Node, "qmstart", Id(vm), request.User, vm, null, onSuccess: () =>
        {
            vm.Running = true;
            vm.StartedAt = cluster.Context.Time.GetUtcNow();
        });
        if (vm.Running)
        {
            task.Failure = $"VM {vm.VmId} already running";
        }
        else if (UsedMemory(node.Name) + vm.MemoryBytes > node.MemoryBytes)
        {
            task.Failure = $"start failed: QEMU exited with code 1: cannot allocate {vm.MemoryBytes >> 20} MiB of memory on node '{node.Name}'";
        }

        return ApiResult.Ok(task.Upid);
    }

    private ApiResult Shutdown(ApiRequest request)
    {
        if (FindVmOn(request["node"], request.Int("vmid"), out var vm) is { } missing)
        {
            return missing;
        }

        if (Blocked(vm, request) is { } blocked)
        {
            return blocked;
        }

        var force = request.Flag("forceStop");
        var timeout = request.Optional("timeout") is { } t ? TimeSpan.FromSeconds(int.Parse(t, CultureInfo.InvariantCulture)) : TimeSpan.FromSeconds(180);
        // A guest that ignores ACPI keeps the task busy until the timeout, then it fails unless forceStop pulls the plug.
        var ignores = vm.IgnoresShutdown && vm.Running;
        var task = cluster.StartTask(vm.Node, "qmshutdown", Id(vm), request.User, vm, ignores ? timeout : null, onSuccess: () => PowerOff(vm));
        if (ignores && !force)
        {
            task.Failure ??= "VM quit/powerdown failed - got timeout";
        }

        return ApiResult.Ok(task.Upid);
    }

    private ApiResult Stop(ApiRequest request)
    {
        if (FindVmOn(request["node"], request.Int("vmid"), out var vm) is { } missing)
        {
            return missing;
        }

        if (Blocked(vm, request) is { } blocked)
        {
            return blocked;
        }

        var task = cluster.StartTask(vm.Node, "qmstop", Id(vm), request.User, vm, null, onSuccess: () => PowerOff(vm));
        return ApiResult.Ok(task.Upid);
    }

    private ApiResult Destroy(ApiRequest request)
    {
        if (FindVmOn(request["node"], request.Int("vmid"), out var vm) is { } missing)
        {
            return missing;
        }

        if (Blocked(vm, request) is { } blocked)
        {
            return blocked;
        }

        if (vm.Running)
        {
            return ApiResult.Failure($"VM {vm.VmId} is running - destroy failed");
        }

        vm.Lock = "destroyed";
        var task = cluster.StartTask(vm.Node, "qmdestroy", Id(vm), request.User, vm, null,
            onSuccess: () => cluster.RemoveVm(vm.VmId),
            onFailure: () => vm.Lock = null);
        return ApiResult.Ok(task.Upid);
    }

    private ApiResult TaskStatus(ApiRequest request)
    {
        var upid = request["upid"];
        if (!upid.StartsWith("UPID:", StringComparison.Ordinal) || upid.Split(':').Length < 9)
        {
            return ApiResult.InvalidParameter("upid", "unable to parse worker upid");
        }

        if (cluster.FindTask(upid) is not { } task || task.Node != request["node"])
        {
            return ApiResult.Failure("no such task");
        }

        var status = new JsonObject
        {
            ["upid"] = task.Upid, ["node"] = task.Node, ["pid"] = task.Pid, ["pstart"] = task.PStart, ["starttime"] = task.StartTime,
            ["type"] = task.Type, ["id"] = task.Id, ["user"] = task.User, ["status"] = task.Finished ? "stopped" : "running",
        };
        if (task.Finished)
        {
            status["exitstatus"] = task.ExitStatus;
        }

        return ApiResult.Ok(status);
    }

    // ---- helpers ----

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

    private void PowerOff(EmulatedVm vm)
    {
        vm.Running = false;
        vm.StartedAt = null;
    }

    private long UsedMemory(string node) => cluster.Vms.Where(v => v.Node == node && v.Running).Sum(v => v.MemoryBytes);

    private long Uptime(EmulatedVm vm) => vm.StartedAt is { } started ? (long)(cluster.Context.Time.GetUtcNow() - started).TotalSeconds : 0;

    private static string Id(EmulatedVm vm) => vm.VmId.ToString(CultureInfo.InvariantCulture);

    private JsonNode Typed(string key, string value)
    {
        var type = (string?)configSchema.Property(key)?["type"];
        return type switch
        {
            "integer" when long.TryParse(value, CultureInfo.InvariantCulture, out var l) => l,
            "number" when double.TryParse(value, CultureInfo.InvariantCulture, out var d) => d,
            "boolean" => ApiMethod.ParseBoolean(value) == true ? 1 : 0,
            _ => value,
        };
    }

    private static string Digest(EmulatedVm vm)
    {
        var text = string.Join('\n', vm.Config.Select(p => p.Key + ": " + p.Value.ToString()));
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static long SizeOf(string volume)
    {
        var match = SizeAttribute().Match(volume);
        return match.Success ? ParseSize(match.Value["size=".Length..]) : 0;
    }

    private static long ParseSize(string size)
    {
        var unit = char.ToUpperInvariant(size[^1]);
        var number = char.IsDigit(unit) ? size : size[..^1];
        var value = double.Parse(number, CultureInfo.InvariantCulture);
        var factor = unit switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1L };
        return (long)(value * factor);
    }

    private static string FormatSize(long bytes) =>
        bytes % (1L << 30) == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes >> 30}G") : string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20}M");

    [GeneratedRegex(@"^(scsi|virtio|sata|ide)\d+$")]
    private static partial Regex DiskKey();

    [GeneratedRegex(@"(base|vm)-\d+-")]
    private static partial Regex DiskVolume();

    [GeneratedRegex(@"size=\d+(\.\d+)?[KMGT]?")]
    private static partial Regex SizeAttribute();
}
