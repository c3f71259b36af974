namespace Sankofa.Core.Provisioning;

/// <summary>
/// Turns the time a resource was Verified and not deleted into per-hour usage records, in whole seconds: both ends are
/// taken down to the second, so the metered-until mark always sits on a whole second and nothing is counted twice or lost
/// between rounds.
/// </summary>
public static class UsageMeter
{
    /// <summary>
    /// Usage from where metering stopped last (or from <see cref="Resource.VerifiedAt"/>) until the deletion or
    /// <paramref name="now"/>, split at clock hours (UTC); empty when nothing is due.
    /// </summary>
    /// <returns>The records and the instant they cover up to (the next <see cref="Resource.MeteredUntil"/>).</returns>
    public static (IReadOnlyList<UsageRecord> Records, DateTimeOffset Until) Meter(Resource resource, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (resource.VerifiedAt is not { } verified)
        {
            return ([], resource.MeteredUntil ?? now);
        }

        var from = Whole(resource.MeteredUntil is { } m && m > verified ? m : verified);
        var to = Whole(resource.DeletedAt is { } d && d < now ? d : now);
        var records = new List<UsageRecord>();
        var cursor = from.ToUniversalTime();
        while (cursor < to)
        {
            var hour = new DateTimeOffset(cursor.Year, cursor.Month, cursor.Day, cursor.Hour, 0, 0, TimeSpan.Zero);
            var end = hour.AddHours(1) < to ? hour.AddHours(1) : to;
            var seconds = (long)(end - cursor).TotalSeconds;
            records.Add(new UsageRecord(
                resource.Id, resource.TenantId, resource.ProjectId, hour, seconds,
                resource.Spec.VCpu * seconds, (long)resource.Spec.RamMiB * seconds, (long)resource.Spec.DiskGiB * seconds));
            cursor = end;
        }

        return (records, to > from ? to : from);
    }

    private static DateTimeOffset Whole(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
}
