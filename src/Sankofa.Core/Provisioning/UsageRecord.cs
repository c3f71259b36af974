namespace Sankofa.Core.Provisioning;

/// <summary>
/// What one resource used during one clock hour (UTC), ready for billing: whole unit-seconds, integers, so rating is
/// exact (docs/billing.md). A resize within the hour adds both sizes' unit-seconds.
/// </summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="TenantId">Its tenant.</param>
/// <param name="ProjectId">Its project.</param>
/// <param name="HourStart">Start of the hour (UTC, on the hour).</param>
/// <param name="Seconds">Whole seconds of the hour the resource was Verified and not deleted.</param>
/// <param name="VCpuSeconds">vCPUs × seconds.</param>
/// <param name="RamMiBSeconds">MiB of RAM × seconds.</param>
/// <param name="DiskGiBSeconds">GiB of disk × seconds.</param>
public sealed record UsageRecord(
    string ResourceId, string TenantId, string ProjectId, DateTimeOffset HourStart, long Seconds,
    long VCpuSeconds, long RamMiBSeconds, long DiskGiBSeconds)
{
    /// <summary>vCPU × hours, for display (billing rates the integers).</summary>
    public double VCpuHours => VCpuSeconds / 3600.0;

    /// <summary>GiB of RAM × hours, for display.</summary>
    public double RamGbHours => RamMiBSeconds / 1024.0 / 3600.0;

    /// <summary>GiB of disk × hours, for display.</summary>
    public double DiskGbHours => DiskGiBSeconds / 3600.0;
}
