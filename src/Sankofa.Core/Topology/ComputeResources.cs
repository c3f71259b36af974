using System.Globalization;

namespace Sankofa.Core.Topology;

/// <summary>An amount of compute: a host's capacity, a VM's size, or what is free or used.</summary>
/// <param name="VCpu">Virtual CPUs.</param>
/// <param name="RamMiB">Memory in MiB.</param>
/// <param name="DiskGiB">Disk in GiB.</param>
public readonly record struct ComputeResources(int VCpu, long RamMiB, long DiskGiB)
{
    /// <summary>Nothing.</summary>
    public static ComputeResources Zero => default;

    /// <summary>True when every amount is at least the one in <paramref name="other"/>.</summary>
    public bool Covers(ComputeResources other) => VCpu >= other.VCpu && RamMiB >= other.RamMiB && DiskGiB >= other.DiskGiB;

    /// <summary>Adds two amounts field by field.</summary>
    public static ComputeResources operator +(ComputeResources a, ComputeResources b) => new(a.VCpu + b.VCpu, a.RamMiB + b.RamMiB, a.DiskGiB + b.DiskGiB);

    /// <summary>Subtracts two amounts field by field.</summary>
    public static ComputeResources operator -(ComputeResources a, ComputeResources b) => new(a.VCpu - b.VCpu, a.RamMiB - b.RamMiB, a.DiskGiB - b.DiskGiB);

    /// <summary>Adds two amounts field by field.</summary>
    public static ComputeResources Add(ComputeResources a, ComputeResources b) => a + b;

    /// <summary>Subtracts two amounts field by field.</summary>
    public static ComputeResources Subtract(ComputeResources a, ComputeResources b) => a - b;

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{VCpu} vCPU, {RamMiB} MiB RAM, {DiskGiB} GiB disk");
}
