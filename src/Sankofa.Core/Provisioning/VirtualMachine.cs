namespace Sankofa.Core.Provisioning;

/// <summary>Where a VM lives: the node that runs it and its cluster-wide numeric id.</summary>
/// <param name="Node">Node name.</param>
/// <param name="VmId">Cluster-wide VM id.</param>
public readonly record struct VirtualMachineRef(string Node, int VmId)
{
    /// <inheritdoc />
    public override string ToString() => $"{Node}/{VmId}";
}

/// <summary>Whether a VM runs.</summary>
public enum PowerState
{
    /// <summary>The hypervisor could not say (its node does not answer, for example).</summary>
    Unknown,

    /// <summary>Powered off.</summary>
    Stopped,

    /// <summary>Powered on.</summary>
    Running,
}

/// <summary>What the hypervisor reports about one VM.</summary>
/// <param name="Ref">Node and id.</param>
/// <param name="Name">The VM's name, when it has one.</param>
/// <param name="ResourceId">The Sankofa resource id the VM was created for; null for VMs Sankofa did not create.</param>
/// <param name="PowerState">Running or stopped.</param>
/// <param name="Lock">The hypervisor's lock on the VM while an operation such as a clone runs (for example <c>clone</c>); null when unlocked.</param>
/// <param name="Cores">CPU cores, when known.</param>
/// <param name="MemoryMegabytes">Memory in MiB, when known.</param>
public sealed record VirtualMachineInfo(
    VirtualMachineRef Ref,
    string? Name,
    string? ResourceId,
    PowerState PowerState,
    string? Lock,
    int? Cores,
    long? MemoryMegabytes);

/// <summary>One hypervisor node and its capacity.</summary>
/// <param name="Name">Node name.</param>
/// <param name="Online">Whether the node answers.</param>
/// <param name="Cores">CPU cores, when known.</param>
/// <param name="MemoryBytes">Total memory, when known.</param>
/// <param name="MemoryUsedBytes">Memory in use, when known.</param>
public sealed record HypervisorNode(string Name, bool Online, int? Cores, long? MemoryBytes, long? MemoryUsedBytes);
