using Sankofa.Core.Provisioning;

namespace Sankofa.Core.Tests.Fakes;

/// <summary>
/// Metered usage as the resource queries read it: nothing metered yet, and every read counted so a test can show a
/// hidden resource's usage is never read. Metering's members throw, so a test that reaches one says so.
/// </summary>
internal sealed class FakeUsageStore : IUsageStore
{
    /// <summary>How many usage reads reached the store.</summary>
    public int Reads { get; private set; }

    public Task<IReadOnlyList<UsageRecord>> GetUsageAsync(string resourceId, CancellationToken cancellationToken)
    {
        Reads++;
        return Task.FromResult<IReadOnlyList<UsageRecord>>([]);
    }

    public Task<IReadOnlyList<UsageHourTotal>> GetProjectUsageAsync(string tenantId, string projectId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        Reads++;
        return Task.FromResult<IReadOnlyList<UsageHourTotal>>([]);
    }

    public Task<IReadOnlyList<Resource>> GetUnmeteredAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task RecordUsageAsync(string resourceId, IReadOnlyList<UsageRecord> usage, DateTimeOffset? meteredFrom, DateTimeOffset meteredUntil, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<int> SealCompletedHoursAsync(int max, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<TenantUsage>> GetTenantUsageAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
