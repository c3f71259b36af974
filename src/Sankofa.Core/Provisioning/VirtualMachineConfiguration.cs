namespace Sankofa.Core.Provisioning;

/// <summary>Settings applied to a VM after it was cloned; null fields are left as the template had them.</summary>
public sealed record VirtualMachineConfiguration
{
    /// <summary>CPU cores per socket.</summary>
    public int? Cores { get; init; }

    /// <summary>Memory in MiB.</summary>
    public int? MemoryMegabytes { get; init; }

    /// <summary>The disk to grow (for example <c>scsi0</c>) together with <see cref="DiskSizeGigabytes"/>.</summary>
    public string Disk { get; init; } = "scsi0";

    /// <summary>New size of <see cref="Disk"/> in GiB; disks only grow, so a smaller size is an error.</summary>
    public int? DiskSizeGigabytes { get; init; }

    /// <summary>cloud-init user whose SSH keys are set.</summary>
    public string? CloudInitUser { get; init; }

    /// <summary>Public SSH keys (OpenSSH format) for the cloud-init user.</summary>
    public IReadOnlyList<string>? SshPublicKeys { get; init; }

    /// <summary>cloud-init network settings of the first interface, in Proxmox's form: <c>ip=dhcp</c> or <c>ip=10.0.0.5/24,gw=10.0.0.1</c>.</summary>
    public string? IpConfig { get; init; }
}
