using System.Globalization;
using System.Text.Json;
using Sankofa.Core.Audit;

namespace Sankofa.Core.Billing;

/// <summary>
/// A complete hour of a resource's availability as the audit log records it (docs/billing.md): action
/// <c>sla.availability.hour</c>, subject <c>resource:ID</c>, actor <c>sla-probe</c>, and a payload in a fixed form anyone
/// can rebuild from the record, so a third party can recompute an availability figure from anchored entries.
/// </summary>
public static class AvailabilitySeal
{
    /// <summary>The audit action.</summary>
    public const string Action = "sla.availability.hour";

    /// <summary>The audit actor.</summary>
    public const string Actor = "sla-probe";

    /// <summary>
    /// <c>{"resourceId":…,"tenantId":…,"hourStart":UNIX_SECONDS,"expectedSeconds":…,"downSeconds":…}</c>: these keys in this
    /// order, integers in decimal, no spaces (ids are DNS-label-like, so need no escaping).
    /// </summary>
    public static string Payload(AvailabilityHour hour)
    {
        ArgumentNullException.ThrowIfNull(hour);
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"resourceId\":\"{hour.ResourceId}\",\"tenantId\":\"{hour.TenantId}\",\"hourStart\":{hour.HourStart.ToUnixTimeSeconds()},"
            + $"\"expectedSeconds\":{hour.ExpectedSeconds},\"downSeconds\":{hour.DownSeconds}}}");
    }

    /// <summary>
    /// The hour a sealed payload states (its project left empty: the payload does not carry it), or null when it is not
    /// exactly in the canonical form <see cref="Payload"/> writes.
    /// </summary>
    public static AvailabilityHour? Parse(string? payload)
    {
        if (payload is null)
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(payload);
            var r = json.RootElement;
            var hour = new AvailabilityHour(r.GetProperty("resourceId").GetString()!, r.GetProperty("tenantId").GetString()!, string.Empty,
                DateTimeOffset.FromUnixTimeSeconds(r.GetProperty("hourStart").GetInt64()), r.GetProperty("expectedSeconds").GetInt64(), r.GetProperty("downSeconds").GetInt64());
            return Payload(hour) == payload ? hour : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The audit event sealing <paramref name="hour"/>.</summary>
    public static AuditEvent Event(AvailabilityHour hour) => new(Actor, Action, "resource:" + hour.ResourceId, Payload(hour));
}
