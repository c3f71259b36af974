namespace Sankofa.Core.Provisioning;

/// <summary>
/// The hypervisor operations a provisioning reconciler needs on one cluster (one site's Proxmox VE, for example).
/// Every long-running operation returns only when the hypervisor reports it finished, so a caller never races its own
/// work. Each VM carries the Sankofa resource id it was created for, so after a restart the reconciler finds what an
/// interrupted run already created (<see cref="FindByResourceIdAsync"/>) instead of creating a duplicate or leaving an
/// orphan. Failures are <see cref="ProvisioningException"/>s whose <see cref="ProvisioningException.Failure"/> says
/// whether to retry, wait, or give up.
/// </summary>
public interface IVirtualMachineProvider
{
    /// <summary>The cluster (site) this provider drives.</summary>
    string ClusterId { get; }

    /// <summary>The cluster's nodes with their capacity and whether they answer.</summary>
    Task<IReadOnlyList<HypervisorNode>> ListNodesAsync(CancellationToken cancellationToken = default);

    /// <summary>Every VM of the cluster that carries a Sankofa resource id (templates excluded).</summary>
    Task<IReadOnlyList<VirtualMachineInfo>> ListManagedAsync(CancellationToken cancellationToken = default);

    /// <summary>The VM created for <paramref name="resourceId"/>, or null when there is none.</summary>
    Task<VirtualMachineInfo?> FindByResourceIdAsync(string resourceId, CancellationToken cancellationToken = default);

    /// <summary>Reserves nothing but returns a VM id that is free now; the clone that uses it fails with <see cref="ProvisioningFailure.Conflict"/> if someone else took it meanwhile.</summary>
    Task<int> AllocateIdAsync(CancellationToken cancellationToken = default);

    /// <summary>Clones a template into a new VM marked with the request's resource id, and waits until the clone finished.</summary>
    Task<VirtualMachineInfo> CloneAsync(CloneVirtualMachineRequest request, CancellationToken cancellationToken = default);

    /// <summary>Applies CPU, memory, disk size and cloud-init settings; unset fields are left as they are.</summary>
    Task ConfigureAsync(VirtualMachineRef vm, VirtualMachineConfiguration configuration, CancellationToken cancellationToken = default);

    /// <summary>Powers the VM on and waits until it runs. Starting a running VM is not an error.</summary>
    Task StartAsync(VirtualMachineRef vm, CancellationToken cancellationToken = default);

    /// <summary>Asks the guest to shut down (ACPI) and waits up to <paramref name="timeout"/>; with <paramref name="forceStop"/> the VM is stopped when the guest does not comply.</summary>
    Task ShutdownAsync(VirtualMachineRef vm, TimeSpan timeout, bool forceStop, CancellationToken cancellationToken = default);

    /// <summary>Powers the VM off at once (like pulling the plug). Stopping a stopped VM is not an error.</summary>
    Task StopAsync(VirtualMachineRef vm, CancellationToken cancellationToken = default);

    /// <summary>Destroys the VM and its disks. Deleting a VM that no longer exists is not an error.</summary>
    Task DeleteAsync(VirtualMachineRef vm, CancellationToken cancellationToken = default);

    /// <summary>The VM's current state, or null when it does not exist.</summary>
    Task<VirtualMachineInfo?> GetAsync(VirtualMachineRef vm, CancellationToken cancellationToken = default);
}
