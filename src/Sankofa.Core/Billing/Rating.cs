using Sankofa.Core.Topology;

namespace Sankofa.Core.Billing;

/// <summary>What one resource used over a billing period, in whole unit-seconds (integers, so rating is exact).</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="ProjectId">Its project.</param>
/// <param name="Tier">The tier of the site it ran at.</param>
/// <param name="Seconds">Seconds it was Verified and not deleted within the period.</param>
/// <param name="VCpuSeconds">vCPUs × seconds (a resize within the period sums both sizes).</param>
/// <param name="RamMiBSeconds">MiB of RAM × seconds.</param>
/// <param name="DiskGiBSeconds">GiB of disk × seconds.</param>
public sealed record RatedUsage(string ResourceId, string ProjectId, SiteTier Tier, long Seconds, long VCpuSeconds, long RamMiBSeconds, long DiskGiBSeconds);

/// <summary>
/// Turns usage into charges, in integer arithmetic only (docs/billing.md): a dimension's charge in minor units is
/// <c>round_half_even(unitSeconds × rate / divisor)</c>, rate in millionths of a minor unit per unit-hour, divisor
/// 3,600 × 10⁶ (× 1,024 for RAM, kept in MiB-seconds and priced per GiB-hour). Each charge is rounded once, on its own.
/// </summary>
public static class Rating
{
    private const long MicroPerMinor = 1_000_000;
    private const long SecondsPerHour = 3_600;
    private const long MiBPerGiB = 1_024;

    /// <summary>The charge for <paramref name="unitSeconds"/> of <paramref name="dimension"/> at <paramref name="microMinorPerUnitHour"/>, in minor units.</summary>
    public static long Charge(long unitSeconds, long microMinorPerUnitHour, BillingDimension dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unitSeconds);
        ArgumentOutOfRangeException.ThrowIfNegative(microMinorPerUnitHour);
        var divisor = SecondsPerHour * MicroPerMinor * (dimension == BillingDimension.RamGiB ? MiBPerGiB : 1);
        return RoundHalfEven((Int128)unitSeconds * microMinorPerUnitHour, divisor);
    }

    /// <summary>A resource's line: its usage and the charge of each dimension at the book's rates for its tier.</summary>
    public static InvoiceLine Rate(RatedUsage usage, PriceBook prices)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(prices);
        return new InvoiceLine(
            usage.ProjectId, usage.ResourceId, usage.Tier, usage.Seconds, usage.VCpuSeconds, usage.RamMiBSeconds, usage.DiskGiBSeconds,
            Charge(usage.VCpuSeconds, prices.RateOf(usage.Tier, BillingDimension.VCpu), BillingDimension.VCpu),
            Charge(usage.RamMiBSeconds, prices.RateOf(usage.Tier, BillingDimension.RamGiB), BillingDimension.RamGiB),
            Charge(usage.DiskGiBSeconds, prices.RateOf(usage.Tier, BillingDimension.DiskGiB), BillingDimension.DiskGiB));
    }

    /// <summary><c>numerator / denominator</c> rounded to the nearest integer, a half to the even one (banker's rounding).</summary>
    public static long RoundHalfEven(Int128 numerator, long denominator)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numerator);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(denominator);
        var quotient = numerator / denominator;
        var twice = 2 * (numerator % denominator);
        if (twice > denominator || (twice == denominator && !Int128.IsEvenInteger(quotient)))
        {
            quotient++;
        }

        return checked((long)quotient);
    }
}
