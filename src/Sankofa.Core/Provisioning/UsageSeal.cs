using System.Globalization;
using System.Text.Json;
using Sankofa.Core.Audit;

namespace Sankofa.Core.Provisioning;

/// <summary>
/// A complete hour of a resource's usage as the audit log records it (docs/billing.md): action <c>billing.usage.hour</c>,
/// subject <c>resource:ID</c>, actor <c>metering</c>, and a payload in a fixed form anyone can rebuild from the record.
/// </summary>
public static class UsageSeal
{
    /// <summary>The audit action.</summary>
    public const string Action = "billing.usage.hour";

    /// <summary>The audit actor.</summary>
    public const string Actor = "metering";

    /// <summary>
    /// <c>{"resourceId":…,"tenantId":…,"projectId":…,"hourStart":UNIX_SECONDS,"seconds":…,"vcpuSeconds":…,"ramMiBSeconds":…,"diskGiBSeconds":…}</c>:
    /// these keys in this order, integers in decimal, no spaces (ids are DNS-label-like, so need no escaping).
    /// </summary>
    public static string Payload(UsageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"resourceId\":\"{record.ResourceId}\",\"tenantId\":\"{record.TenantId}\",\"projectId\":\"{record.ProjectId}\",\"hourStart\":{record.HourStart.ToUnixTimeSeconds()},"
            + $"\"seconds\":{record.Seconds},\"vcpuSeconds\":{record.VCpuSeconds},\"ramMiBSeconds\":{record.RamMiBSeconds},\"diskGiBSeconds\":{record.DiskGiBSeconds}}}");
    }

    /// <summary>
    /// The record a sealed payload states, or null when it is not exactly in the canonical form <see cref="Payload"/>
    /// writes (a verifier must not accept a payload it would not have written itself).
    /// </summary>
    public static UsageRecord? Parse(string? payload)
    {
        if (payload is null)
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(payload);
            var r = json.RootElement;
            var record = new UsageRecord(
                r.GetProperty("resourceId").GetString()!, r.GetProperty("tenantId").GetString()!, r.GetProperty("projectId").GetString()!,
                DateTimeOffset.FromUnixTimeSeconds(r.GetProperty("hourStart").GetInt64()), r.GetProperty("seconds").GetInt64(),
                r.GetProperty("vcpuSeconds").GetInt64(), r.GetProperty("ramMiBSeconds").GetInt64(), r.GetProperty("diskGiBSeconds").GetInt64());
            return Payload(record) == payload ? record : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The audit event sealing <paramref name="record"/>.</summary>
    public static AuditEvent Event(UsageRecord record) => new(Actor, Action, "resource:" + record.ResourceId, Payload(record));
}
