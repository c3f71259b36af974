namespace Sankofa.Core;

/// <summary>Instants as the store keeps them: whole milliseconds since the Unix epoch (its <c>*_ms</c> columns).</summary>
public static class StoredInstant
{
    /// <summary><paramref name="instant"/> cut to whole milliseconds, in UTC: what a write answers then equals what a later read of it gives.</summary>
    public static DateTimeOffset Of(DateTimeOffset instant) => DateTimeOffset.FromUnixTimeMilliseconds(instant.ToUnixTimeMilliseconds());
}
