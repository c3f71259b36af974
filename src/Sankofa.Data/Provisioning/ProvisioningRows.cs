namespace Sankofa.Data.Provisioning;

/// <summary>Table row of a tenant. Usage columns are concurrency tokens: a quota reservation only commits against the usage it was decided on.</summary>
internal sealed class TenantRow
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public int QuotaVCpu { get; set; }
    public long QuotaRamMiB { get; set; }
    public long QuotaDiskGiB { get; set; }
    public int QuotaVms { get; set; }
    public int UsedVCpu { get; set; }
    public long UsedRamMiB { get; set; }
    public long UsedDiskGiB { get; set; }
    public int UsedVms { get; set; }
    public long CreatedAtMs { get; set; }
}

/// <summary>Table row of a project (same quota columns as a tenant).</summary>
internal sealed class ProjectRow
{
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string Name { get; set; }
    public int QuotaVCpu { get; set; }
    public long QuotaRamMiB { get; set; }
    public long QuotaDiskGiB { get; set; }
    public int QuotaVms { get; set; }
    public int UsedVCpu { get; set; }
    public long UsedRamMiB { get; set; }
    public long UsedDiskGiB { get; set; }
    public int UsedVms { get; set; }
    public long CreatedAtMs { get; set; }
}

/// <summary>Table row of a resource. Times are Unix milliseconds, as in the audit tables.</summary>
internal sealed class ResourceRow
{
    public long Seq { get; set; }
    public required string Id { get; set; }
    public required string TenantId { get; set; }
    public required string ProjectId { get; set; }
    public required string Name { get; set; }
    public int VCpu { get; set; }
    public long RamMiB { get; set; }
    public long DiskGiB { get; set; }
    public required string Template { get; set; }
    public required string SshKeys { get; set; }
    public string? CloudInitUser { get; set; }
    public required byte[] SpecHash { get; set; }
    public required string Desired { get; set; }
    public required string Status { get; set; }
    public bool Settled { get; set; }
    public string? FailureReason { get; set; }
    public required string SiteId { get; set; }
    public required string HostId { get; set; }
    public string? AntiAffinityGroup { get; set; }
    public required string PlacementJson { get; set; }
    public string? VmNode { get; set; }
    public int? VmId { get; set; }
    public int Attempts { get; set; }
    public long NextAttemptAtMs { get; set; }
    public long CreatedAtMs { get; set; }
    public long UpdatedAtMs { get; set; }
    public long? VerifiedAtMs { get; set; }
    public long? DeletedAtMs { get; set; }
    public long? MeteredUntilMs { get; set; }
    public string? IdempotencyKey { get; set; }
    public int Version { get; set; }
    public string? ClaimedBy { get; set; }

    /// <summary>The resource's list item as the API writes it (<see cref="Core.Provisioning.ResourceListJson"/>), written with every change of the row.</summary>
    public byte[]? ListJson { get; set; }

    /// <summary>The <see cref="Version"/> <see cref="ListJson"/> was written for: any other means it is out of date (a write that did not keep it).</summary>
    public int? ListJsonVersion { get; set; }
}

/// <summary>Table row of one history entry of a resource.</summary>
internal sealed class ResourceEventRow
{
    public long Id { get; set; }
    public required string ResourceId { get; set; }
    public long TimeMs { get; set; }
    public required string Status { get; set; }
    public required string Kind { get; set; }
    public required string Message { get; set; }
}

/// <summary>Table row of one resource's usage in one clock hour.</summary>
internal sealed class UsageRow
{
    public required string ResourceId { get; set; }
    public long HourStartMs { get; set; }
    public required string TenantId { get; set; }
    public required string ProjectId { get; set; }
    public long Seconds { get; set; }
    public long VCpuSeconds { get; set; }
    public long RamMiBSeconds { get; set; }
    public long DiskGiBSeconds { get; set; }

    // The audit entry that seals the hour once it is complete (docs/billing.md); null until then.
    public long? AuditEntryId { get; set; }
}
