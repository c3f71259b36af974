namespace Sankofa.Core.Provisioning;

/// <summary>Storage of metered usage: what each Verified resource used per clock hour.</summary>
public interface IUsageStore
{
    /// <summary>Resources that were Verified and whose usage is not recorded up to their end (or up to <paramref name="now"/>).</summary>
    Task<IReadOnlyList<Resource>> GetUnmeteredAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Adds usage records (summing into an existing record of the same resource and hour) and moves the resource's
    /// metered-until mark, in one transaction; nothing when the stored mark is no longer <paramref name="meteredFrom"/>
    /// (another round, or a resize, metered it meanwhile, perhaps at another size).
    /// </summary>
    /// <param name="resourceId">The resource.</param>
    /// <param name="usage">Its usage from <paramref name="meteredFrom"/> to <paramref name="meteredUntil"/>.</param>
    /// <param name="meteredFrom">The metered-until mark the usage was computed from, as read.</param>
    /// <param name="meteredUntil">The new mark.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task RecordUsageAsync(string resourceId, IReadOnlyList<UsageRecord> usage, DateTimeOffset? meteredFrom, DateTimeOffset meteredUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Seals up to <paramref name="max"/> complete hours (the resource metered past the hour's end, or up to its deletion)
    /// not sealed yet, oldest first, into audit entries <see cref="UsageSeal.Action"/> (<see cref="UsageSeal.Events"/>: one
    /// per tenant and hour), in one transaction with each hour's mark, so they are sealed and anchored with the audit log
    /// and a usage line can be proven against the chain like any entry. Returns how many hours were sealed.
    /// </summary>
    Task<int> SealCompletedHoursAsync(int max, CancellationToken cancellationToken);

    /// <summary>
    /// A tenant's usage per resource over the hours starting in [<paramref name="from"/>, <paramref name="to"/>), summed
    /// in one query, ordered by project then resource id: what a billing run rates (docs/billing.md).
    /// </summary>
    Task<IReadOnlyList<TenantUsage>> GetTenantUsageAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>A resource's usage, oldest hour first.</summary>
    Task<IReadOnlyList<UsageRecord>> GetUsageAsync(string resourceId, CancellationToken cancellationToken);

    /// <summary>
    /// A project's usage per clock hour, summed over all its resources in one query, oldest hour first, for the hours
    /// starting in [<paramref name="from"/>, <paramref name="to"/>). Hours without usage are left out.
    /// </summary>
    /// <param name="tenantId">The project's tenant (the usage table is indexed by tenant and hour).</param>
    /// <param name="projectId">The project.</param>
    /// <param name="from">First hour included (inclusive).</param>
    /// <param name="to">End of the range (exclusive).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IReadOnlyList<UsageHourTotal>> GetProjectUsageAsync(string tenantId, string projectId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>What a project's resources used together in one clock hour (UTC).</summary>
/// <param name="HourStart">Start of the hour (UTC, on the hour).</param>
/// <param name="Resources">How many resources were metered in the hour.</param>
/// <param name="Seconds">Resource-seconds: the seconds each was Verified and not deleted, summed.</param>
/// <param name="VCpuHours">vCPU × hours.</param>
/// <param name="RamGbHours">GB of RAM × hours.</param>
/// <param name="DiskGbHours">GB of disk × hours.</param>
public sealed record UsageHourTotal(DateTimeOffset HourStart, int Resources, double Seconds, double VCpuHours, double RamGbHours, double DiskGbHours);

/// <summary>One resource's usage over a billing period, summed from its hourly records.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="ProjectId">Its project.</param>
/// <param name="SiteId">The site it was placed at (its tier prices it).</param>
/// <param name="Seconds">Whole seconds it was Verified and not deleted in the period.</param>
/// <param name="VCpuSeconds">vCPUs × seconds.</param>
/// <param name="RamMiBSeconds">MiB of RAM × seconds.</param>
/// <param name="DiskGiBSeconds">GiB of disk × seconds.</param>
/// <param name="Hours">Hourly records summed.</param>
/// <param name="SealedHours">Of those, the hours already sealed into the audit log (an invoice waits for all of them).</param>
public sealed record TenantUsage(
    string ResourceId, string ProjectId, string SiteId, long Seconds, long VCpuSeconds, long RamMiBSeconds, long DiskGiBSeconds, int Hours, int SealedHours);
