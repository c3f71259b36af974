using System.Globalization;

namespace Sankofa.Core;

/// <summary>Instants given as text (query strings): ISO 8601, UTC unless an offset is given, refused naming the field.</summary>
public static class QueryInstant
{
    /// <summary>The instant <paramref name="value"/> states, in UTC; null when absent, or when malformed (then an error under <paramref name="field"/>).</summary>
    public static DateTimeOffset? Parse(string? value, string field, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant.ToUniversalTime();
        }

        errors[field] = ["Must be an ISO 8601 instant, e.g. 2026-03-01T00:00:00Z."];
        return null;
    }
}
