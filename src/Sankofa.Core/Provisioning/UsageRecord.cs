namespace Sankofa.Core.Provisioning;

/// <summary>What one resource used during one clock hour (UTC), ready for billing.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="TenantId">Its tenant.</param>
/// <param name="ProjectId">Its project.</param>
/// <param name="HourStart">Start of the hour (UTC, on the hour).</param>
/// <param name="Seconds">Seconds of the hour the resource was Verified and not deleted.</param>
/// <param name="VCpuHours">vCPU × hours.</param>
/// <param name="RamGbHours">GB of RAM (GiB, 1024 MiB) × hours.</param>
/// <param name="DiskGbHours">GB of disk (GiB) × hours.</param>
public sealed record UsageRecord(
    string ResourceId, string TenantId, string ProjectId, DateTimeOffset HourStart, double Seconds,
    double VCpuHours, double RamGbHours, double DiskGbHours);
