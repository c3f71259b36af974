namespace Sankofa.Core.Provisioning;

/// <summary>
/// A new size for a running VM: the fields given replace the spec's, the others are kept. Errors name these fields in
/// camel case. Disks only grow (the hypervisor cannot shrink one); CPU and memory go either way.
/// </summary>
/// <param name="VCpu">Virtual CPUs.</param>
/// <param name="RamMiB">Memory in MiB.</param>
/// <param name="DiskGiB">Boot disk size in GiB; not smaller than now.</param>
public sealed record ResizeRequest(int? VCpu = null, long? RamMiB = null, long? DiskGiB = null);
