using System.Collections.Concurrent;
using System.Globalization;
using Sankofa.Core.Provisioning;
using Sankofa.Proxmox.Api;

namespace Sankofa.Proxmox.Provisioning;

/// <summary>
/// <see cref="IVirtualMachineProvider"/> on one Proxmox VE cluster. Every operation waits for its worker task, and
/// operations are idempotent where a reconciler needs them to be (start a running VM, stop a stopped one, delete a gone
/// one, clone into an id that already holds this resource's VM).
/// </summary>
internal sealed class ProxmoxVirtualMachineProvider(ProxmoxClient client, ProxmoxClusterOptions options, TimeProvider? time = null) : IVirtualMachineProvider
{
    // Templates' disks change when an operator resizes one, not per VM: their configuration is read at most this often.
    private static readonly TimeSpan TemplateConfigAge = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // Ids handed out by AllocateIdAsync and when: a clone takes its id within seconds, so after DrawnIdHold an id is
    // either a VM's (nextid skips it) or free again. At most MaxIdChecks ids above the free one are checked per draw.
    private static readonly TimeSpan DrawnIdHold = TimeSpan.FromMinutes(2);
    private const int MaxIdChecks = 16;
    private const int PruneAbove = 256;
    private readonly Dictionary<int, DateTimeOffset> _drawn = [];

    // A VM's resource id never changes, so the description is read once per VM (keyed by id and name against id reuse).
    private readonly ConcurrentDictionary<(int VmId, string? Name), string?> _resourceIds = new();

    // What a clone this provider made is known to be until it is configured and started, so those steps need not read it
    // back: its disks are the template's, and it is stopped. Forgotten on first use, so a retry reads the VM as usual.
    private readonly ConcurrentDictionary<VirtualMachineRef, IReadOnlyDictionary<string, string>> _clonedDisks = new();
    private readonly ConcurrentDictionary<VirtualMachineRef, byte> _neverStarted = new();
    private readonly ConcurrentDictionary<(string Node, int VmId), (IReadOnlyDictionary<string, string> Config, DateTimeOffset ReadAt)> _templates = new();

    public string ClusterId => client.ClusterId;

    public async Task<IReadOnlyList<HypervisorNode>> ListNodesAsync(CancellationToken cancellationToken = default)
    {
        var nodes = await client.GetNodesAsync(cancellationToken).ConfigureAwait(false);
        return [.. nodes.Select(n => new HypervisorNode(n.Node, n.Status == "online", n.MaxCpu, n.MaxMemory, n.Memory))];
    }

    public async Task<IReadOnlyList<VirtualMachineInfo>> ListManagedAsync(CancellationToken cancellationToken = default)
    {
        var resources = await client.GetVmResourcesAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<VirtualMachineInfo>();
        foreach (var vm in resources.Where(r => !r.IsTemplate))
        {
            if (await ResourceIdOfAsync(vm, cancellationToken).ConfigureAwait(false) is { } resourceId)
            {
                result.Add(ToInfo(vm, resourceId));
            }
        }

        return result;
    }

    public async Task<VirtualMachineInfo?> FindByResourceIdAsync(string resourceId, CancellationToken cancellationToken = default)
    {
        ResourceMarker.Check(resourceId);
        var managed = await ListManagedAsync(cancellationToken).ConfigureAwait(false);
        return managed.FirstOrDefault(vm => vm.ResourceId == resourceId);
    }

    public async Task<int> AllocateIdAsync(CancellationToken cancellationToken = default)
    {
        // /cluster/nextid names the lowest free id, the same one to every caller until a clone takes it: concurrent
        // provisionings on one cluster would all draw it and all but one lose their clone (and, losing again and again,
        // give up). So ids this provider handed out lately are skipped, and an id above the free one is checked with
        // nextid?vmid=N (free now) before it is handed out. Other clients can still take an id first: the clone's
        // conflict covers that.
        var next = await client.GetNextIdAsync(null, cancellationToken).ConfigureAwait(false);
        for (var tries = 0; ; tries++)
        {
            var candidate = Draw(next);
            if (candidate == next || tries == MaxIdChecks)
            {
                return candidate;
            }

            try
            {
                return await client.GetNextIdAsync(candidate, cancellationToken).ConfigureAwait(false);
            }
            catch (ProxmoxConflictException)
            {
                next = candidate + 1; // taken by a VM; it stays marked drawn, so the next draws skip it too
            }
        }
    }

    /// <summary>The first id from <paramref name="from"/> not handed out within <see cref="DrawnIdHold"/>, marked handed out now.</summary>
    private int Draw(int from)
    {
        lock (_drawn)
        {
            var now = _time.GetUtcNow();
            if (_drawn.Count > PruneAbove)
            {
                foreach (var old in _drawn.Where(d => now - d.Value > DrawnIdHold).Select(d => d.Key).ToList())
                {
                    _drawn.Remove(old);
                }
            }

            var id = from;
            while (_drawn.TryGetValue(id, out var at) && now - at <= DrawnIdHold)
            {
                id++;
            }

            _drawn[id] = now;
            return id;
        }
    }

    public async Task<VirtualMachineInfo> CloneAsync(CloneVirtualMachineRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ResourceMarker.Check(request.ResourceId);
        var target = new VirtualMachineRef(request.TargetNode ?? request.TemplateNode, request.NewVmId);
        using var span = ProxmoxTracing.Start("clone", ClusterId, target);
        var template = await TemplateConfigAsync(request.TemplateNode, request.TemplateVmId, cancellationToken).ConfigureAwait(false);
        string upid;
        try
        {
            upid = await client.CloneAsync(request.TemplateNode, request.TemplateVmId, new ProxmoxCloneOptions(request.NewVmId)
            {
                Name = request.Name,
                Description = ResourceMarker.Describe(request.ResourceId),
                Full = request.FullClone,
                Target = request.TargetNode,
                Storage = request.Storage,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ProxmoxConflictException)
        {
            // A retry after a crash or lost answer finds its own VM under the id: that is success, not a conflict.
            if (await GetAsync(target, cancellationToken).ConfigureAwait(false) is { } existing && existing.ResourceId == request.ResourceId)
            {
                return existing;
            }

            throw;
        }

        await client.WaitForTaskAsync(upid, null, cancellationToken).ConfigureAwait(false);
        // The task succeeded, so the VM is what was asked for: stopped, unlocked, carrying the resource id. Reading it
        // back would cost two requests per VM; the managed tag is set with the configuration that always follows.
        _resourceIds[(target.VmId, request.Name)] = request.ResourceId;
        // A full or linked clone has the template's disks at the template's sizes.
        _clonedDisks[target] = template;
        _neverStarted[target] = 0;
        return new VirtualMachineInfo(target, request.Name, request.ResourceId, PowerState.Stopped, null, null, null);
    }

    private async Task<IReadOnlyDictionary<string, string>> TemplateConfigAsync(string node, int vmId, CancellationToken cancellationToken)
    {
        if (_templates.TryGetValue((node, vmId), out var known) && _time.GetUtcNow() - known.ReadAt < TemplateConfigAge)
        {
            return known.Config;
        }

        var config = await client.GetConfigAsync(node, vmId, cancellationToken).ConfigureAwait(false);
        _templates[(node, vmId)] = (config, _time.GetUtcNow());
        return config;
    }

    public async Task ConfigureAsync(VirtualMachineRef vm, VirtualMachineConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        using var span = ProxmoxTracing.Start("configure", ClusterId, vm);
        var change = new ProxmoxConfigChange
        {
            Tags = [options.ManagedTag],
            Cores = configuration.Cores,
            MemoryMegabytes = configuration.MemoryMegabytes,
            CloudInitUser = configuration.CloudInitUser,
            SshKeys = configuration.SshPublicKeys,
            IpConfig0 = configuration.IpConfig,
        };
        await client.UpdateConfigAsync(vm.Node, vm.VmId, change, cancellationToken).ConfigureAwait(false);

        if (configuration.DiskSizeGigabytes is { } size)
        {
            var config = _clonedDisks.TryRemove(vm, out var cloned)
                ? cloned
                : await client.GetConfigAsync(vm.Node, vm.VmId, cancellationToken).ConfigureAwait(false);
            var current = config.TryGetValue(configuration.Disk, out var volume) ? ProxmoxVolumes.SizeInGigabytes(volume) : null;
            if (current is null)
            {
                throw new ProvisioningException(ProvisioningFailure.InvalidRequest, $"VM {vm} has no disk {configuration.Disk} to resize");
            }

            if (size < current)
            {
                throw new ProvisioningException(ProvisioningFailure.InvalidRequest, $"Disk {configuration.Disk} of VM {vm} is {current} GiB; disks cannot shrink to {size} GiB");
            }

            // Resizing to the current size is skipped, so configuring twice is harmless.
            if (size > current)
            {
                var upid = await client.ResizeDiskAsync(vm.Node, vm.VmId, configuration.Disk, size.ToString(CultureInfo.InvariantCulture) + "G", cancellationToken).ConfigureAwait(false);
                if (upid is not null)
                {
                    await client.WaitForTaskAsync(upid, null, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    public async Task StartAsync(VirtualMachineRef vm, CancellationToken cancellationToken = default)
    {
        using var span = ProxmoxTracing.Start("start", ClusterId, vm);
        if (_neverStarted.TryRemove(vm, out _))
        {
            try
            {
                // Made stopped by this provider: start it without asking first.
                await StartStoppedAsync(vm, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ProvisioningException) when (!cancellationToken.IsCancellationRequested)
            {
                // Someone else may have started it meanwhile ("already running"): that is success. Otherwise the
                // failure stands, as it would have after asking first.
                var now = await client.GetVmStatusAsync(vm.Node, vm.VmId, cancellationToken).ConfigureAwait(false);
                if (now.Status == "running")
                {
                    return;
                }

                throw;
            }
        }

        var status = await client.GetVmStatusAsync(vm.Node, vm.VmId, cancellationToken).ConfigureAwait(false);
        if (status.Status == "running")
        {
            return;
        }

        await StartStoppedAsync(vm, cancellationToken).ConfigureAwait(false);
    }

    private async Task StartStoppedAsync(VirtualMachineRef vm, CancellationToken cancellationToken)
    {
        var upid = await client.StartAsync(vm.Node, vm.VmId, cancellationToken).ConfigureAwait(false);
        await client.WaitForTaskAsync(upid, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task ShutdownAsync(VirtualMachineRef vm, TimeSpan timeout, bool forceStop, CancellationToken cancellationToken = default)
    {
        using var span = ProxmoxTracing.Start("shutdown", ClusterId, vm);
        var status = await client.GetVmStatusAsync(vm.Node, vm.VmId, cancellationToken).ConfigureAwait(false);
        if (status.Status == "stopped")
        {
            return;
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        var upid = await client.ShutdownAsync(vm.Node, vm.VmId, seconds, forceStop, cancellationToken).ConfigureAwait(false);
        // Proxmox ends the task itself after the timeout (and a forced stop); the wait allows for that plus the usual margin.
        await client.WaitForTaskAsync(upid, timeout + options.TaskTimeout, cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(VirtualMachineRef vm, CancellationToken cancellationToken = default)
    {
        var status = await client.GetVmStatusAsync(vm.Node, vm.VmId, cancellationToken).ConfigureAwait(false);
        if (status.Status == "stopped")
        {
            return;
        }

        var upid = await client.StopAsync(vm.Node, vm.VmId, cancellationToken).ConfigureAwait(false);
        await client.WaitForTaskAsync(upid, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(VirtualMachineRef vm, CancellationToken cancellationToken = default)
    {
        using var span = ProxmoxTracing.Start("delete", ClusterId, vm);
        try
        {
            // Proxmox refuses to destroy a running VM.
            await StopAsync(vm, cancellationToken).ConfigureAwait(false);
            var upid = await client.DeleteAsync(vm.Node, vm.VmId, cancellationToken).ConfigureAwait(false);
            await client.WaitForTaskAsync(upid, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ProxmoxNotFoundException)
        {
            // Already gone: the goal is reached.
        }

        foreach (var key in _resourceIds.Keys.Where(k => k.VmId == vm.VmId))
        {
            _resourceIds.TryRemove(key, out _);
        }

        _clonedDisks.TryRemove(vm, out _);
        _neverStarted.TryRemove(vm, out _);
    }

    public async Task<VirtualMachineInfo?> GetAsync(VirtualMachineRef vm, CancellationToken cancellationToken = default)
    {
        ProxmoxVmStatus status;
        IReadOnlyDictionary<string, string> config;
        try
        {
            status = await client.GetVmStatusAsync(vm.Node, vm.VmId, cancellationToken).ConfigureAwait(false);
            config = await client.GetConfigAsync(vm.Node, vm.VmId, cancellationToken).ConfigureAwait(false);
        }
        catch (ProxmoxNotFoundException)
        {
            return null;
        }

        var resourceId = ResourceMarker.Read(config.GetValueOrDefault("description"));
        _resourceIds[(vm.VmId, status.Name)] = resourceId;
        return new VirtualMachineInfo(
            vm,
            status.Name,
            resourceId,
            PowerOf(status.Status),
            status.Lock,
            config.TryGetValue("cores", out var cores) && int.TryParse(cores, CultureInfo.InvariantCulture, out var c) ? c : null,
            status.MaxMemory is { } bytes ? bytes >> 20 : null);
    }

    private async Task<string?> ResourceIdOfAsync(ProxmoxVmResource vm, CancellationToken cancellationToken)
    {
        if (_resourceIds.TryGetValue((vm.VmId, vm.Name), out var known))
        {
            return known;
        }

        if (vm.Status == "unknown")
        {
            // The node does not answer, so this VM's mark cannot be read. Answering "not found" could make the
            // reconciler create a duplicate; failing makes it wait for the node.
            throw new ProxmoxUnavailableException(595, $"GET /nodes/{vm.Node}/qemu/{vm.VmId}/config", $"node {vm.Node} does not answer; VM {vm.VmId} cannot be identified");
        }

        try
        {
            var config = await client.GetConfigAsync(vm.Node, vm.VmId, cancellationToken).ConfigureAwait(false);
            var resourceId = ResourceMarker.Read(config.GetValueOrDefault("description"));
            _resourceIds[(vm.VmId, vm.Name)] = resourceId;
            return resourceId;
        }
        catch (ProxmoxNotFoundException)
        {
            return null; // deleted since the listing
        }
    }

    private static VirtualMachineInfo ToInfo(ProxmoxVmResource vm, string resourceId) => new(
        new VirtualMachineRef(vm.Node, vm.VmId), vm.Name, resourceId, PowerOf(vm.Status), vm.Lock, vm.MaxCpu, vm.MaxMemory is { } bytes ? bytes >> 20 : null);

    private static PowerState PowerOf(string? status) => status switch
    {
        "running" => PowerState.Running,
        "stopped" => PowerState.Stopped,
        _ => PowerState.Unknown,
    };

}
