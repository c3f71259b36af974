namespace Sankofa.Core.Provisioning;

/// <summary>How a VM found on its hypervisor is brought to a spec, the same rule for the control plane and a site's agent.</summary>
public static class VirtualMachineSizing
{
    /// <summary>
    /// True when the VM runs with other CPU cores or memory than <paramref name="spec"/> asks for (a resize): it is shut
    /// down before it is configured, because a running guest takes neither change without hot-plug (which Sankofa does not
    /// assume), and what runs after the start is what the site attests. A disk grows while the VM runs.
    /// </summary>
    public static bool NeedsRestart(VirtualMachineInfo vm, ResourceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(spec);
        return vm.PowerState == PowerState.Running
               && ((vm.Cores is { } cores && cores != spec.VCpu) || (vm.MemoryMegabytes is { } memory && memory != spec.RamMiB));
    }
}
