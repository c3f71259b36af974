namespace Sankofa.Core;

/// <summary>
/// The one retry schedule of the control plane: the first wait, doubled per failure, up to a longest wait. Polly's
/// retry strategy does not fit here: the waits are not awaited around a call but stored (a resource's or identity
/// step's next attempt, a transaction's next broadcast) or spread over a worker's rounds, and Polly keeps its delay
/// computation internal.
/// </summary>
public static class RetryBackoff
{
    /// <summary>The wait after the <paramref name="failures"/>-th failure in a row (1: <paramref name="first"/>), at most <paramref name="longest"/>.</summary>
    public static TimeSpan Delay(int failures, TimeSpan first, TimeSpan longest)
    {
        var doublings = Math.Clamp(failures - 1, 0, 30);
        var ticks = first.Ticks * Math.Pow(2, doublings);
        return TimeSpan.FromTicks((long)Math.Min(ticks, longest.Ticks));
    }
}
