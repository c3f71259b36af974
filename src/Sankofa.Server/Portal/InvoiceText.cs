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

    /// <summary>Minor units as a bar's height in major units: only for drawing; every figure shown is written from the integers.</summary>
    public static double Major(long minor, int minorDigits) => minor / Math.Pow(10, minorDigits);

    /// <summary>Unit-seconds as unit-hours with two decimals (as the PDF has them).</summary>
    public static string Hours(decimal unitSeconds) => (unitSeconds / 3600m).ToString("0.00", CultureInfo.InvariantCulture);
}
