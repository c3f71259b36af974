using Sankofa.Core;
using System.Globalization;

namespace Sankofa.Server.Provisioning;

/// <summary>
/// The hours a project's usage is asked for: [<see cref="From"/>, <see cref="To"/>), at most <see cref="MaxLength"/>,
/// by default the last <see cref="DefaultLength"/> up to the end of the current hour.
/// </summary>
/// <param name="From">First hour included.</param>
/// <param name="To">End of the range (exclusive).</param>
internal sealed record UsageRange(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>The range when none is given.</summary>
    public static readonly TimeSpan DefaultLength = TimeSpan.FromDays(7);

    /// <summary>The longest range: 31 days of hours is 744 points, enough for a chart and bounded for the query.</summary>
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(31);

    /// <summary>The <paramref name="length"/> up to the end of the hour <paramref name="now"/> is in.</summary>
    public static UsageRange Last(TimeSpan length, DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        var end = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        return new UsageRange(end - length, end);
    }

    /// <summary>The range asked for in ISO 8601 (<c>from</c>, <c>to</c>); problems go to <paramref name="errors"/> under those names.</summary>
    public static UsageRange Parse(string? from, string? to, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        var parsedTo = QueryInstant.Parse(to, "to", errors);
        var parsedFrom = QueryInstant.Parse(from, "from", errors);
        var end = parsedTo ?? (parsedFrom is { } f ? f + DefaultLength : Last(DefaultLength, now).To);
        var start = parsedFrom ?? end - DefaultLength;
        if (errors.Count == 0 && start >= end)
        {
            errors["from"] = ["Must be before 'to'."];
        }
        else if (errors.Count == 0 && end - start > MaxLength)
        {
            errors["to"] = [$"The range may span at most {MaxLength.TotalDays} days."];
        }

        return new UsageRange(start, end);
    }
}
