namespace Sankofa.Core.Provisioning;

/// <summary>A VM to create from a template.</summary>
/// <param name="ResourceId">The Sankofa resource id the VM is for; it is written on the VM in the same call that creates it, so a crash can never leave an unmarked VM behind.</param>
/// <param name="TemplateVmId">The template to clone.</param>
/// <param name="TemplateNode">The node that holds the template.</param>
/// <param name="NewVmId">The new VM's id, from <see cref="IVirtualMachineProvider.AllocateIdAsync"/>.</param>
/// <param name="Name">The new VM's name (a DNS name).</param>
public sealed record CloneVirtualMachineRequest(string ResourceId, int TemplateVmId, string TemplateNode, int NewVmId, string Name)
{
    /// <summary>The node the new VM goes to; null: the template's node.</summary>
    public string? TargetNode { get; init; }

    /// <summary>A full copy of the disks (true, the default) rather than a linked clone that depends on the template.</summary>
    public bool FullClone { get; init; } = true;

    /// <summary>Storage for the new disks; null: the template's storage.</summary>
    public string? Storage { get; init; }
}
