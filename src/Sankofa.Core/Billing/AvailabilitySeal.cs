using System.Globalization;
using System.Text;
using Sankofa.Core.Audit;

namespace Sankofa.Core.Billing;

/// <summary>
/// Complete hours of availability as the audit log records them (docs/billing.md): one entry per tenant and clock hour,
/// action <c>sla.availability.hours</c>, subject <c>tenant:ID</c>, actor <c>sla-probe</c>, and a payload in a fixed form
/// anyone can rebuild from the records it states, so a third party can recompute an availability figure from anchored
/// entries: <c>{"tenantId":"acme","hourStart":1772362800,"resources":[["vm-a",3600,600],…]}</c>, each row
/// <c>[resourceId, expectedSeconds, downSeconds]</c>.
/// </summary>
public static class AvailabilitySeal
{
    /// <summary>The audit action.</summary>
    public const string Action = "sla.availability.hours";

    /// <summary>The audit actor.</summary>
    public const string Actor = "sla-probe";

    /// <summary>The events sealing <paramref name="hours"/>: one per tenant and hour (split only past the payload limit).</summary>
    public static IReadOnlyList<SealedHours<AvailabilityHour>> Events(IEnumerable<AvailabilityHour> hours) =>
        TenantHourSeal.Events(hours, h => (h.TenantId, h.HourStart, h.ResourceId), WriteRow, Actor, Action);

    /// <summary>The payload sealing <paramref name="hours"/>, one tenant's hour, as <see cref="Events"/> writes it.</summary>
    public static string Payload(IReadOnlyList<AvailabilityHour> hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        return TenantHourSeal.Render(hours[0].TenantId, hours[0].HourStart, hours, WriteRow);
    }

    /// <summary>
    /// The hours a sealed payload states (their project left empty: the payload does not carry it), or null when it is not
    /// exactly in the canonical form.
    /// </summary>
    public static IReadOnlyList<AvailabilityHour>? Parse(string? payload) => TenantHourSeal.Parse<AvailabilityHour>(payload, ReadRow, static h => h.ResourceId);

    /// <summary>Reads one row's content (inside its brackets) without allocating (<see cref="TenantHourSeal.ReadRows"/>).</summary>
    internal static bool ReadRow(ref CanonicalReader reader, out ReadOnlySpan<byte> resource, out long expected, out long down)
    {
        (expected, down) = (0, 0);
        return reader.Utf8(out resource) && reader.Char(',') && reader.Integer(out expected) && reader.Char(',') && reader.Integer(out down);
    }

    private static bool ReadRow(ref CanonicalReader reader, string tenant, DateTimeOffset hour, out AvailabilityHour row)
    {
        var read = ReadRow(ref reader, out var resource, out var expected, out var down);
        row = read ? new AvailabilityHour(Encoding.UTF8.GetString(resource), tenant, string.Empty, hour, expected, down) : null!;
        return read;
    }

    private static void WriteRow(StringBuilder payload, AvailabilityHour h) =>
        payload.Append(CultureInfo.InvariantCulture, $"[\"{h.ResourceId}\",{h.ExpectedSeconds},{h.DownSeconds}]");
}
