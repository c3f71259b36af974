using Sankofa.Core.Topology;

namespace Sankofa.Core.Billing;

/// <summary>How long a resource was expected up in a period, and how long it was observed down.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="ExpectedSeconds">Seconds it was Verified and not deleted within the period.</param>
/// <param name="DownSeconds">Of those, seconds the site reported it not running.</param>
public sealed record ResourceAvailability(string ResourceId, long ExpectedSeconds, long DownSeconds);

/// <summary>
/// The availability targets per tier (core 99.99 %, regional 99.9 %, edge 99.5 %) and the credit schedule
/// (docs/billing.md): below target 10 % of the resource's charge, below target minus one point 25 %, below 95 % 100 %.
/// Availability is compared exactly, in integers: <c>up × 10⁶ &lt; target × expected</c>, targets in parts per million.
/// </summary>
public static class Sla
{
    /// <summary>Availability targets in parts per million.</summary>
    public static long TargetPpm(SiteTier tier) => tier switch
    {
        SiteTier.Core => 999_900,
        SiteTier.Regional => 999_000,
        SiteTier.Edge => 995_000,
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, null),
    };

    /// <summary>The credit, in percent of the resource's charge, for its availability: 0 when the target is met.</summary>
    public static int CreditPercent(SiteTier tier, ResourceAvailability availability)
    {
        ArgumentNullException.ThrowIfNull(availability);
        if (availability.ExpectedSeconds <= 0)
        {
            return 0;
        }

        var up = UpMicro(availability);
        var target = TargetPpm(tier);
        bool Below(long ppm) => up < (Int128)ppm * availability.ExpectedSeconds;
        return Below(950_000) ? 100 : Below(target - 10_000) ? 25 : Below(target) ? 10 : 0;
    }

    /// <summary>Availability in parts per million, rounded down (for reports; the credit compares exactly).</summary>
    public static long AvailabilityPpm(ResourceAvailability availability)
    {
        ArgumentNullException.ThrowIfNull(availability);
        return availability.ExpectedSeconds <= 0 ? 1_000_000 : (long)(UpMicro(availability) / availability.ExpectedSeconds);
    }

    // Seconds up (expected less down, down clamped to the expected), times 10⁶.
    private static Int128 UpMicro(ResourceAvailability a) => (Int128)(a.ExpectedSeconds - Math.Clamp(a.DownSeconds, 0, a.ExpectedSeconds)) * 1_000_000;
}
