using System.Globalization;

namespace Sankofa.Server.Portal;

/// <summary>How the billing pages write periods and draw amounts.</summary>
internal static class InvoiceText
{
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
