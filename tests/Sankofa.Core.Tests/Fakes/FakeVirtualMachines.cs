using Sankofa.Core.Provisioning;

namespace Sankofa.Core.Tests.Fakes;

/// <summary>One in-memory hypervisor cluster per site: clones, configures, starts and deletes VMs at once.</summary>
internal sealed class FakeVirtualMachines : IVirtualMachineProviderFactory
{
    private readonly Dictionary<string, FakeCluster> _clusters;

    public FakeVirtualMachines(params string[] sites) =>
        _clusters = sites.ToDictionary(s => s, s => new FakeCluster(s), StringComparer.Ordinal);

    public IReadOnlyCollection<string> ClusterIds => _clusters.Keys;

    public IVirtualMachineProvider Get(string clusterId) => _clusters[clusterId];

    /// <summary>The cluster of a site, to look at or to break.</summary>
    public FakeCluster Cluster(string site) => _clusters[site];
}

/// <summary>A cluster with one node, <c>node-1</c>, holding the template VM 9000.</summary>
internal sealed class FakeCluster(string id) : IVirtualMachineProvider
{
    private readonly Lock _sync = new();
    private readonly Dictionary<int, VirtualMachineInfo> _vms = new() { [9000] = new(new("node-1", 9000), "debian-12-cloud", null, PowerState.Stopped, null, 1, 1024) };
    private int _nextId = 100;

    public string ClusterId => id;

    /// <summary>When set, deleting a VM throws this (the site cannot be reached, say).</summary>
    public Exception? DeleteFails { get; set; }

    /// <summary>The VMs made for resources.</summary>
    public IReadOnlyList<VirtualMachineInfo> Managed
    {
        get
        {
            lock (_sync)
            {
                return [.. _vms.Values.Where(v => v.ResourceId is not null)];
            }
        }
    }

    public Task<IReadOnlyList<HypervisorNode>> ListNodesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<HypervisorNode>>([new("node-1", true, 64, 1L << 40, 0)]);

    public Task<IReadOnlyList<VirtualMachineInfo>> ListManagedAsync(CancellationToken cancellationToken = default) => Task.FromResult(Managed);

    public Task<VirtualMachineInfo?> FindByResourceIdAsync(string resourceId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Managed.FirstOrDefault(v => v.ResourceId == resourceId));

    /// <summary>How many id draws from now on fail as against a site that cannot be reached.</summary>
    public int AllocateFailures { get; set; }

    /// <summary>How many id draws were asked for.</summary>
    public int Allocations { get; private set; }

    public Task<int> AllocateIdAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            Allocations++;
            if (AllocateFailures > 0)
            {
                AllocateFailures--;
                return Task.FromException<int>(new ProvisioningException(ProvisioningFailure.Unavailable, $"Cluster {id} did not answer."));
            }

            while (_vms.ContainsKey(_nextId))
            {
                _nextId++;
            }

            return Task.FromResult(_nextId);
        }
    }

    public Task<VirtualMachineInfo> CloneAsync(CloneVirtualMachineRequest request, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            if (_vms.ContainsKey(request.NewVmId))
            {
                throw new ProvisioningException(ProvisioningFailure.Conflict, $"VM {request.NewVmId} exists.");
            }

            var vm = new VirtualMachineInfo(new(request.TargetNode ?? request.TemplateNode, request.NewVmId), request.Name, request.ResourceId, PowerState.Stopped, null, null, null);
            _vms[request.NewVmId] = vm;
            return Task.FromResult(vm);
        }
    }

    public Task ConfigureAsync(VirtualMachineRef vm, VirtualMachineConfiguration configuration, CancellationToken cancellationToken = default) =>
        Change(vm, v => v with { Cores = configuration.Cores ?? v.Cores, MemoryMegabytes = configuration.MemoryMegabytes ?? v.MemoryMegabytes });

    public Task StartAsync(VirtualMachineRef vm, CancellationToken cancellationToken = default) => Change(vm, v => v with { PowerState = PowerState.Running });

    /// <summary>How many times a VM was shut down.</summary>
    public int Shutdowns { get; private set; }

    public Task ShutdownAsync(VirtualMachineRef vm, TimeSpan timeout, bool forceStop, CancellationToken cancellationToken = default)
    {
        Shutdowns++;
        return Change(vm, v => v with { PowerState = PowerState.Stopped });
    }

    public Task StopAsync(VirtualMachineRef vm, CancellationToken cancellationToken = default) => Change(vm, v => v with { PowerState = PowerState.Stopped });

    public Task DeleteAsync(VirtualMachineRef vm, CancellationToken cancellationToken = default)
    {
        if (DeleteFails is { } failure)
        {
            return Task.FromException(failure);
        }

        lock (_sync)
        {
            _vms.Remove(vm.VmId);
            return Task.CompletedTask;
        }
    }

    public Task<VirtualMachineInfo?> GetAsync(VirtualMachineRef vm, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            return Task.FromResult(_vms.GetValueOrDefault(vm.VmId));
        }
    }

    private Task Change(VirtualMachineRef vm, Func<VirtualMachineInfo, VirtualMachineInfo> change)
    {
        lock (_sync)
        {
            if (!_vms.TryGetValue(vm.VmId, out var found))
            {
                return Task.FromException(new ProvisioningException(ProvisioningFailure.NotFound, $"No VM {vm}."));
            }

            _vms[vm.VmId] = change(found);
            return Task.CompletedTask;
        }
    }
}

/// <summary>A site that attests exactly the spec the resource asked for (or <see cref="Observed"/> when set).</summary>
internal sealed class FakeSiteAttestor : ISiteAttestor
{
    public byte[]? Observed { get; set; }

    /// <summary>How many attestations from now on fail as an unreachable site's would.</summary>
    public int Failures { get; set; }

    public Task<SiteAttestationResult> AttestAsync(Resource resource, CancellationToken cancellationToken)
    {
        if (Failures > 0)
        {
            Failures--;
            throw new ProvisioningException(ProvisioningFailure.Unavailable, $"Site {resource.Placement.SiteId} did not answer.");
        }

        return Task.FromResult(new SiteAttestationResult(resource.Placement.SiteId, Observed ?? resource.SpecHash, new byte[65]));
    }
}
