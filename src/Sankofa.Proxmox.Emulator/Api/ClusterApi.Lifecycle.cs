using System.Globalization;
using System.Text.Json.Nodes;
using Sankofa.Proxmox.Emulator.State;

namespace Sankofa.Proxmox.Emulator.Api;

// A VM's power and life: status, start, shutdown, stop, destroy, and the worker tasks they run.
internal sealed partial class ClusterApi
{
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

    private void PowerOff(EmulatedVm vm)
    {
        vm.Running = false;
        vm.StartedAt = null;
    }
}
