using System.Globalization;
using Sankofa.Core.Billing;

namespace Sankofa.Server.Portal;

/// <summary>How the billing pages write periods, rates and amounts, and read back the times typed into their forms.</summary>
internal static class InvoiceText
{
    /// <summary>A time as the forms show and take it: UTC, ISO 8601 to the second (2027-01-01T00:00:00Z).</summary>
    public static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A time typed into a form: ISO 8601, UTC unless it names an offset; null when it is no time.</summary>
    public static DateTimeOffset? ParseUtc(string? text) =>
        DateTimeOffset.TryParse(text?.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    /// <summary>
    /// A rate in millionths of a minor unit as an amount of the currency, exactly and without trailing zeros past its
    /// minor unit (5,000,000 with 2 digits is 0.05; 15,000 is 0.00015).
    /// </summary>
    public static string Rate(long microMinor, int minorDigits)
    {
        var text = BillingNames.Amount(microMinor, minorDigits + 6);
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var keep = Math.Max(point + 1 + minorDigits, text.TrimEnd('0').Length);
        return minorDigits == 0 && keep == point + 1 ? text[..point] : text[..keep];
    }

    /// <summary>A period [start, end) in UTC: whole days as dates (end excluded, as the PDF has it), else to the minute.</summary>
    public static string Period(DateTimeOffset start, DateTimeOffset end) =>
        start.TimeOfDay == TimeSpan.Zero && end.TimeOfDay == TimeSpan.Zero
            ? string.Create(CultureInfo.InvariantCulture, $"{start:yyyy-MM-dd} to {end.AddDays(-1):yyyy-MM-dd}")
            : string.Create(CultureInfo.InvariantCulture, $"{start:yyyy-MM-dd HH:mm} to {end:yyyy-MM-dd HH:mm}");

    /// <summary>Unit-seconds as unit-hours with two decimals (as the PDF has them).</summary>
    public static string Hours(decimal unitSeconds) => (unitSeconds / 3600m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A round spacing (1, 2 or 5 × 10ⁿ) for about four ticks up to <paramref name="max"/>: MudBlazor's default of 20 suits no scale in particular.</summary>
    public static int AxisStep(long max)
    {
        var raw = Math.Max(1, max / 4);
        for (var magnitude = 1; ; magnitude *= 10)
        {
            foreach (var m in new[] { 1, 2, 5 })
            {
                if (m * magnitude >= raw)
                {
                    return m * magnitude;
                }
            }
        }
    }
}
