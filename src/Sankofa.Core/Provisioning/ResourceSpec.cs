using Sankofa.Core.Topology;

namespace Sankofa.Core.Provisioning;

/// <summary>What a VM is to be: the part of a request that the control plane and the site both attest on chain.</summary>
/// <param name="VCpu">Virtual CPUs.</param>
/// <param name="RamMiB">Memory in MiB.</param>
/// <param name="DiskGiB">Boot disk size in GiB.</param>
/// <param name="Template">Name of the site template the VM is cloned from (e.g. <c>debian-12-cloud</c>).</param>
/// <param name="SshKeys">Public SSH keys (OpenSSH format) for <paramref name="CloudInitUser"/>.</param>
/// <param name="CloudInitUser">cloud-init user; null keeps the template's.</param>
public sealed record ResourceSpec(int VCpu, long RamMiB, long DiskGiB, string Template, IReadOnlyList<string> SshKeys, string? CloudInitUser)
{
    /// <summary>The compute the VM takes from a host and from quotas.</summary>
    public ComputeResources Size => new(VCpu, RamMiB, DiskGiB);

    /// <summary>SHA-256 of the canonical encoding (<see cref="SpecHash.Of"/>).</summary>
    public byte[] Hash() => SpecHash.Of(this);
}
