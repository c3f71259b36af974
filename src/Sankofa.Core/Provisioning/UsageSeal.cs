using System.Globalization;
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

    /// <summary>The audit event sealing <paramref name="record"/>.</summary>
    public static AuditEvent Event(UsageRecord record) => new(Actor, Action, "resource:" + record.ResourceId, Payload(record));
}
