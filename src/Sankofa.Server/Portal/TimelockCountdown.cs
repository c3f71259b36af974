using System.Globalization;

namespace Sankofa.Server.Portal;

/// <summary>How long a queued proposal still waits in the timelock, in words: "runs in 12 min", or "ready to execute".</summary>
internal static class TimelockCountdown
{
    /// <summary>The wait from <paramref name="now"/> to <paramref name="readyAt"/>, rounded up to the minute (under a minute, in seconds).</summary>
    public static string Describe(DateTimeOffset readyAt, DateTimeOffset now)
    {
        var left = readyAt - now;
        if (left <= TimeSpan.Zero)
        {
            return "ready to execute";
        }

        if (left < TimeSpan.FromMinutes(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"runs in {Math.Ceiling(left.TotalSeconds)} s");
        }

        var minutes = (long)Math.Ceiling(left.TotalMinutes);
        var (days, hours, rest) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
        return (days, hours) switch
        {
            (0, 0) => FormattableString.Invariant($"runs in {rest} min"),
            (0, _) => FormattableString.Invariant($"runs in {hours} h") + (rest > 0 ? FormattableString.Invariant($" {rest} min") : string.Empty),
            _ => FormattableString.Invariant($"runs in {days} d") + (hours > 0 ? FormattableString.Invariant($" {hours} h") : string.Empty),
        };
    }
}
