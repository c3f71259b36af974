using System.Globalization;
using Sankofa.Core.Billing;

namespace Sankofa.Server.Billing;

/// <summary>
/// How invoice documents write numbers: amounts from integer minor units through <see cref="decimal"/> (exact: a long
/// divided by a power of ten), usage as hours from unit-seconds, rates from parts per million; always invariant culture.
/// </summary>
internal static class InvoiceFormat
{
    /// <summary>Minor units as a plain decimal string with <paramref name="minorDigits"/> digits: 8498, 2 → "84.98"; −821 → "-8.21".</summary>
    public static string Amount(long minor, int minorDigits) =>
        Major(minor, minorDigits).ToString("F" + minorDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Minor units grouped in thousands for reading: 123456789, 2 → "1,234,567.89".</summary>
    public static string GroupedAmount(long minor, int minorDigits) =>
        Major(minor, minorDigits).ToString("N" + minorDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Unit-seconds as unit-hours with two decimals, grouped: 5,184,000 → "1,440.00"; MiB-seconds as GiB-hours with <paramref name="unitsPerUnit"/> 1,024.</summary>
    public static string Hours(long unitSeconds, long unitsPerUnit = 1) =>
        Math.Round((decimal)unitSeconds / (3_600m * unitsPerUnit), 2, MidpointRounding.AwayFromZero).ToString("N2", CultureInfo.InvariantCulture);

    /// <summary>
    /// Availability <c>(expected − down) / expected</c> as a percent with three decimals, cut toward zero so that a
    /// resource under its target never reads as meeting it (99.98999… % is "99.989", not "99.990").
    /// </summary>
    public static string Availability(SlaCredit credit) => credit.ExpectedSeconds <= 0
        ? "n/a"
        : Math.Round((credit.ExpectedSeconds - credit.DownSeconds) * 100m / credit.ExpectedSeconds, 3, MidpointRounding.ToZero)
            .ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>Parts per million as a percent: 999,900 → "99.99".</summary>
    public static string PercentOfPpm(long ppm) => (ppm / 10_000m).ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>Basis points as a percent with two decimals: 1,500 → "15.00".</summary>
    public static string PercentOfBasisPoints(int basisPoints) => (basisPoints / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A UTC instant to the minute, or to the second when it has seconds: "2027-01-01 00:00 UTC".</summary>
    public static string Instant(DateTimeOffset at) =>
        at.ToUniversalTime().ToString(at.Second == 0 ? "yyyy-MM-dd HH:mm 'UTC'" : "yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static decimal Major(long minor, int minorDigits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minorDigits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minorDigits, 18);
        return minor / Pow10(minorDigits);
    }

    private static decimal Pow10(int digits)
    {
        var result = 1m;
        for (var i = 0; i < digits; i++)
        {
            result *= 10;
        }

        return result;
    }
}
