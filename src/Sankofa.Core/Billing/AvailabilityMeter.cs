namespace Sankofa.Core.Billing;

/// <summary>What the site said of one VM at a probe.</summary>
public enum VmObservation
{
    /// <summary>Nothing is known yet (an agent site whose agent has not reported here): the time waits for the next observation.</summary>
    Unknown,

    /// <summary>The VM runs.</summary>
    Up,

    /// <summary>The VM is not running, is missing, or its site did not answer.</summary>
    Down,
}

/// <summary>
/// Turns observations into availability, in whole seconds split at clock hours (UTC), like <see cref="Provisioning.UsageMeter"/>:
/// the state seen at one probe holds until the next, so the time since the resource's mark counts as down exactly when it
/// was down at the last observation (an open down interval), and an interval opens at the first probe that sees the VM
/// down and closes at the first that sees it up. Time a resource is not expected up (being resized or deleted) is not
/// counted at all.
/// </summary>
public static class AvailabilityMeter
{
    /// <summary>The step from the resource's mark to <paramref name="now"/>, or null when there is nothing to record.</summary>
    public static AvailabilityStep? Measure(AvailabilitySubject subject, VmObservation observed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var from = Whole(subject.MeasuredUntil is { } m && m > subject.VerifiedAt ? m : subject.VerifiedAt);
        var to = Whole(now);
        if (to <= from || (subject.ExpectedUp && observed == VmObservation.Unknown))
        {
            return null;
        }

        if (!subject.ExpectedUp)
        {
            // The owner's own action (a resize, a deletion) is no outage: the time is skipped and a running outage ends.
            return new AvailabilityStep(subject.ResourceId, subject.TenantId, subject.MeasuredUntil, to, [], null, subject.DownSince is null ? null : from);
        }

        var wasDown = subject.DownSince is not null;
        var hours = new List<AvailabilityHour>();
        for (var cursor = from; cursor < to;)
        {
            var hour = new DateTimeOffset(cursor.Year, cursor.Month, cursor.Day, cursor.Hour, 0, 0, TimeSpan.Zero);
            var end = hour.AddHours(1) < to ? hour.AddHours(1) : to;
            var seconds = (long)(end - cursor).TotalSeconds;
            hours.Add(new AvailabilityHour(subject.ResourceId, subject.TenantId, subject.ProjectId, hour, seconds, wasDown ? seconds : 0));
            cursor = end;
        }

        var isDown = observed == VmObservation.Down;
        return new AvailabilityStep(subject.ResourceId, subject.TenantId, subject.MeasuredUntil, to, hours, isDown && !wasDown ? to : null, wasDown && !isDown ? to : null);
    }

    private static DateTimeOffset Whole(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
}
