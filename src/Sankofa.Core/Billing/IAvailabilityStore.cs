namespace Sankofa.Core.Billing;

/// <summary>
/// Storage of measured availability (docs/billing.md, "SLA credits"): per resource and clock hour the seconds it was
/// expected up and the seconds it was observed down, its down intervals, and the mark up to which it was measured.
/// </summary>
public interface IAvailabilityStore
{
    /// <summary>
    /// A page of the resources to measure, in store order after <paramref name="afterSequence"/>: every resource that was
    /// Verified and is not deleted, and any (deleted ones too) whose down interval is still open.
    /// </summary>
    Task<IReadOnlyList<AvailabilitySubject>> GetMeasurableAsync(long afterSequence, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a step's hours (summing into existing hours), opens or closes its down interval and moves the resource's mark,
    /// in one transaction; nothing when the stored mark is no longer <see cref="AvailabilityStep.MeasuredFrom"/> (another
    /// server measured it meanwhile). Returns whether it was recorded.
    /// </summary>
    Task<bool> RecordAsync(AvailabilityStep step, CancellationToken cancellationToken);

    /// <summary>
    /// Seals up to <paramref name="max"/> complete hours (measured past the hour's end, or of a deleted resource) not sealed
    /// yet, oldest first, into audit entries <see cref="AvailabilitySeal.Action"/> (<see cref="AvailabilitySeal.Events"/>:
    /// one per tenant and hour), in one transaction with each hour's mark. Returns how many hours were sealed.
    /// </summary>
    Task<int> SealCompletedHoursAsync(int max, CancellationToken cancellationToken);

    /// <summary>
    /// A tenant's availability per resource over the hours starting in [<paramref name="from"/>, <paramref name="to"/>):
    /// summed expected and down seconds, hours recorded and hours sealed. Ordered by resource id (ordinal). One query.
    /// </summary>
    Task<IReadOnlyList<TenantAvailability>> GetTenantAvailabilityAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    /// <summary>A tenant's down intervals that overlap [<paramref name="from"/>, <paramref name="to"/>), by resource id then start.</summary>
    Task<IReadOnlyList<DownInterval>> GetDownIntervalsAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>The site each of <paramref name="resourceIds"/> was placed at (its tier sets the target), in one query.</summary>
    Task<IReadOnlyDictionary<string, string>> GetSitesAsync(IReadOnlyCollection<string> resourceIds, CancellationToken cancellationToken);
}

/// <summary>One resource's availability over a period, summed from its hours.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="ProjectId">Its project.</param>
/// <param name="ExpectedSeconds">Seconds it was expected up.</param>
/// <param name="DownSeconds">Of those, seconds it was observed down.</param>
/// <param name="Hours">Hourly records summed.</param>
/// <param name="SealedHours">Of those, the hours already sealed into the audit log.</param>
public sealed record TenantAvailability(string ResourceId, string ProjectId, long ExpectedSeconds, long DownSeconds, int Hours, int SealedHours);

/// <summary>One resource's availability during one clock hour (UTC), whole seconds.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="TenantId">Its tenant.</param>
/// <param name="ProjectId">Its project.</param>
/// <param name="HourStart">Start of the hour (UTC, on the hour).</param>
/// <param name="ExpectedSeconds">Seconds of the hour it was expected up.</param>
/// <param name="DownSeconds">Of those, seconds it was observed down.</param>
public sealed record AvailabilityHour(string ResourceId, string TenantId, string ProjectId, DateTimeOffset HourStart, long ExpectedSeconds, long DownSeconds);

/// <summary>A time a VM was observed down while expected up: from the first probe that saw it down to the first that saw it up again.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="Start">The first observation down.</param>
/// <param name="End">The first observation up again (or when it stopped being expected up); null while it lasts.</param>
public sealed record DownInterval(string ResourceId, DateTimeOffset Start, DateTimeOffset? End);

/// <summary>A resource as availability measuring sees it.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="Sequence">Store order (the paging cursor).</param>
/// <param name="TenantId">Its tenant.</param>
/// <param name="ProjectId">Its project.</param>
/// <param name="SiteId">The site it was placed at.</param>
/// <param name="ExpectedUp">Verified, wanted present and not deleted: a VM not running now is an outage.</param>
/// <param name="VerifiedAt">When it first became Verified (measuring starts here).</param>
/// <param name="MeasuredUntil">Availability is recorded up to here; null before the first measurement.</param>
/// <param name="DownSince">The start of its open down interval: it was down at the last observation.</param>
public sealed record AvailabilitySubject(
    string ResourceId, long Sequence, string TenantId, string ProjectId, string SiteId, bool ExpectedUp, DateTimeOffset VerifiedAt,
    DateTimeOffset? MeasuredUntil, DateTimeOffset? DownSince);

/// <summary>What one observation adds to a resource's availability (<see cref="AvailabilityMeter.Measure"/>).</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="TenantId">Its tenant.</param>
/// <param name="MeasuredFrom">The mark as read (null: none yet); the step is recorded only while it stands.</param>
/// <param name="MeasuredUntil">The new mark.</param>
/// <param name="Hours">Expected and down seconds per clock hour of [from, until).</param>
/// <param name="OpenDownAt">A down interval starts here (the VM was just observed down).</param>
/// <param name="CloseDownAt">The open down interval ends here (observed up again, or no longer expected up).</param>
public sealed record AvailabilityStep(
    string ResourceId, string TenantId, DateTimeOffset? MeasuredFrom, DateTimeOffset MeasuredUntil, IReadOnlyList<AvailabilityHour> Hours,
    DateTimeOffset? OpenDownAt, DateTimeOffset? CloseDownAt);
