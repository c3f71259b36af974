using Sankofa.Core.Topology;

namespace Sankofa.Core.Tenancy;

/// <summary>Totals of what tenancy counts: a quota (the limits) or a usage (what is held).</summary>
/// <param name="VCpu">Virtual CPUs.</param>
/// <param name="RamMiB">Memory in MiB.</param>
/// <param name="DiskGiB">Disk in GiB.</param>
/// <param name="Vms">Number of virtual machines.</param>
public readonly record struct ResourceTotals(int VCpu, long RamMiB, long DiskGiB, int Vms)
{
    /// <summary>Field names as the API and the refusals spell them, in the order quotas are checked.</summary>
    public static IReadOnlyList<string> FieldNames { get; } = ["vcpu", "ramMiB", "diskGiB", "vms"];

    /// <summary>What <paramref name="count"/> VMs of <paramref name="size"/> count against a quota.</summary>
    public static ResourceTotals ForVms(ComputeResources size, int count = 1) =>
        new(checked(size.VCpu * count), checked(size.RamMiB * count), checked(size.DiskGiB * count), count);

    /// <summary>Adds two totals field by field.</summary>
    public static ResourceTotals operator +(ResourceTotals a, ResourceTotals b) =>
        new(checked(a.VCpu + b.VCpu), checked(a.RamMiB + b.RamMiB), checked(a.DiskGiB + b.DiskGiB), checked(a.Vms + b.Vms));

    /// <summary>Subtracts two totals field by field.</summary>
    public static ResourceTotals operator -(ResourceTotals a, ResourceTotals b) =>
        new(a.VCpu - b.VCpu, a.RamMiB - b.RamMiB, a.DiskGiB - b.DiskGiB, a.Vms - b.Vms);

    /// <summary>Adds two totals field by field.</summary>
    public static ResourceTotals Add(ResourceTotals a, ResourceTotals b) => a + b;

    /// <summary>Subtracts two totals field by field.</summary>
    public static ResourceTotals Subtract(ResourceTotals a, ResourceTotals b) => a - b;

    /// <summary>The value of the field named as in <see cref="FieldNames"/>.</summary>
    public long this[string field] => field switch
    {
        "vcpu" => VCpu,
        "ramMiB" => RamMiB,
        "diskGiB" => DiskGiB,
        "vms" => Vms,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Not a quota field."),
    };

    /// <summary>Field name → problem for each negative amount; empty when all are zero or more.</summary>
    public IReadOnlyDictionary<string, string> Problems()
    {
        var self = this;
        return FieldNames.Where(f => self[f] < 0).ToDictionary(f => f, f => $"Must be 0 or more (was {self[f]}).");
    }
}
