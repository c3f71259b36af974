using System.Globalization;
using System.Text;
using Sankofa.Core.Audit;

namespace Sankofa.Core.Provisioning;

/// <summary>
/// Complete hours of usage as the audit log records them (docs/billing.md): one entry per tenant and clock hour, action
/// <c>billing.usage.hours</c>, subject <c>tenant:ID</c>, actor <c>metering</c>, and a payload in a fixed form anyone can
/// rebuild from the records it states:
/// <c>{"tenantId":"acme","hourStart":1772362800,"resources":[["vm-s","web",3600,7200,14745600,72000],…]}</c>, each row
/// <c>[resourceId, projectId, seconds, vcpuSeconds, ramMiBSeconds, diskGiBSeconds]</c>.
/// </summary>
public static class UsageSeal
{
    /// <summary>The audit action.</summary>
    public const string Action = "billing.usage.hours";

    /// <summary>The audit actor.</summary>
    public const string Actor = "metering";

    /// <summary>The events sealing <paramref name="records"/>: one per tenant and hour (split only past the payload limit).</summary>
    public static IReadOnlyList<SealedHours<UsageRecord>> Events(IEnumerable<UsageRecord> records) =>
        TenantHourSeal.Events(records, r => (r.TenantId, r.HourStart, r.ResourceId), WriteRow, Actor, Action);

    /// <summary>The payload sealing <paramref name="records"/>, one tenant's hour, as <see cref="Events"/> writes it.</summary>
    public static string Payload(IReadOnlyList<UsageRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return TenantHourSeal.Render(records[0].TenantId, records[0].HourStart, records, WriteRow);
    }

    /// <summary>The records a sealed payload states, or null when it is not exactly in the canonical form.</summary>
    public static IReadOnlyList<UsageRecord>? Parse(string? payload) => TenantHourSeal.Parse<UsageRecord>(payload, ReadRow, static r => r.ResourceId);

    /// <summary>
    /// Reads one row's content (inside its brackets) without allocating, for verifiers that sum a month's rows
    /// (<see cref="TenantHourSeal.ReadRows"/>).
    /// </summary>
    internal static bool ReadRow(
        ref CanonicalReader reader, out ReadOnlySpan<byte> resource, out ReadOnlySpan<byte> project, out long seconds, out long vcpu, out long ram, out long disk)
    {
        project = default;
        (seconds, vcpu, ram, disk) = (0, 0, 0, 0);
        return reader.Utf8(out resource) && reader.Char(',') && reader.Utf8(out project) && reader.Char(',')
            && reader.Integer(out seconds) && reader.Char(',') && reader.Integer(out vcpu) && reader.Char(',')
            && reader.Integer(out ram) && reader.Char(',') && reader.Integer(out disk);
    }

    private static bool ReadRow(ref CanonicalReader reader, string tenant, DateTimeOffset hour, out UsageRecord row)
    {
        var read = ReadRow(ref reader, out var resource, out var project, out var seconds, out var vcpu, out var ram, out var disk);
        row = read ? new UsageRecord(Encoding.UTF8.GetString(resource), tenant, Encoding.UTF8.GetString(project), hour, seconds, vcpu, ram, disk) : null!;
        return read;
    }

    private static void WriteRow(StringBuilder payload, UsageRecord r) => payload.Append(CultureInfo.InvariantCulture,
        $"[\"{r.ResourceId}\",\"{r.ProjectId}\",{r.Seconds},{r.VCpuSeconds},{r.RamMiBSeconds},{r.DiskGiBSeconds}]");
}
