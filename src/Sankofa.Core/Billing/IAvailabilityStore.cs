#pragma warning disable CS1591 // placeholder
namespace Sankofa.Core.Billing;

// PLACEHOLDER until the SLA branch lands (its file replaces this one).
public interface IAvailabilityStore
{
    Task<IReadOnlyList<TenantAvailability>> GetTenantAvailabilityAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    Task<IReadOnlyList<long>> GetSealedEntryIdsAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);
}

public sealed record TenantAvailability(string ResourceId, string ProjectId, long ExpectedSeconds, long DownSeconds, int Hours, int SealedHours);

// PLACEHOLDER until the SLA branch lands.
public static class AvailabilitySeal
{
    public const string Action = "sla.availability.hour";

    public static AvailabilityHour? Parse(string? payload) => payload is null ? null : null;
}

public sealed record AvailabilityHour(string ResourceId, string TenantId, DateTimeOffset HourStart, long ExpectedSeconds, long DownSeconds);
