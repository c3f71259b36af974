using System.Globalization;
using Sankofa.Core.Access;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Billing;

/// <summary>What an SLA report is asked for (REST query, CLI options): as given, validated by <see cref="SlaReports"/>.</summary>
/// <param name="Tenant">The tenant; null: the caller's one tenant.</param>
/// <param name="From">ISO 8601 instant; null: the start of the current calendar month (UTC).</param>
/// <param name="To">ISO 8601 instant, exclusive; null: now.</param>
public sealed record SlaReportRequest(string? Tenant, string? From, string? To);

/// <summary>A tenant's availability per VM over the hours starting in [<see cref="From"/>, <see cref="To"/>), against each VM's tier target.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="From">First hour included.</param>
/// <param name="To">End of the period (exclusive).</param>
/// <param name="Resources">Per VM, by resource id.</param>
/// <param name="ExpectedSeconds">Summed over the tenant's VMs.</param>
/// <param name="DownSeconds">Summed over the tenant's VMs.</param>
/// <param name="AvailabilityPpm">The tenant's availability (its VMs' seconds pooled), parts per million, rounded down.</param>
/// <param name="Breaches">VMs below their target.</param>
public sealed record SlaReport(
    string TenantId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<VmAvailability> Resources, long ExpectedSeconds, long DownSeconds,
    long AvailabilityPpm, int Breaches);

/// <summary>One VM's availability over a report's period.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="ProjectId">Its project.</param>
/// <param name="SiteId">Its site.</param>
/// <param name="Tier">The site's tier, which sets the target.</param>
/// <param name="ExpectedSeconds">Seconds it was expected up.</param>
/// <param name="DownSeconds">Of those, seconds it was observed down.</param>
/// <param name="AvailabilityPpm">Parts per million, rounded down (<see cref="Sla.AvailabilityPpm"/>).</param>
/// <param name="TargetPpm">Its tier's target (<see cref="Sla.TargetPpm"/>).</param>
/// <param name="CreditPercent">What the credit schedule gives (<see cref="Sla.CreditPercent"/>); 0 when the target is met.</param>
/// <param name="Hours">Hours measured.</param>
/// <param name="SealedHours">Of those, sealed into the audit log.</param>
/// <param name="DownIntervals">Its down intervals overlapping the period, oldest first.</param>
public sealed record VmAvailability(
    string ResourceId, string ProjectId, string SiteId, SiteTier Tier, long ExpectedSeconds, long DownSeconds, long AvailabilityPpm, long TargetPpm,
    int CreditPercent, int Hours, int SealedHours, IReadOnlyList<DownInterval> DownIntervals)
{
    /// <summary>Below its target: a credit is due.</summary>
    public bool Breached => CreditPercent > 0;
}

/// <summary>
/// SLA reports for REST, CLI and portal alike (docs/billing.md): a billing.read holder reads a tenant it holds the
/// permission in (another tenant answers as a missing one); the period defaults to the current calendar month so far.
/// </summary>
public sealed class SlaReports(IAvailabilityStore store, ITenantStore tenants, SiteCatalog catalog, TimeProvider time)
{
    /// <summary>The longest period a report covers.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    /// <summary>Parts per million as a percent with four decimals, exactly: 999,768 → <c>99.9768</c>.</summary>
    public static string Percent(long ppm) => string.Create(CultureInfo.InvariantCulture, $"{ppm / 10_000}.{ppm % 10_000:D4}");

    /// <summary>The report, or why not (400 naming the field, 403, 404).</summary>
    public async Task<Result<SlaReport>> GetAsync(Caller caller, SlaReportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!caller.HasAny(Permission.BillingRead))
        {
            return AccessErrors.Forbidden(Permission.BillingRead);
        }

        var errors = new Dictionary<string, string[]>();
        var tenantId = request.Tenant;
        if (string.IsNullOrWhiteSpace(tenantId))
        {
            tenantId = caller.TenantsWith(Permission.BillingRead) is { Count: 1 } only ? only.First() : null;
            if (tenantId is null)
            {
                errors["tenant"] = ["Required: your roles read billing in more than one tenant (or platform-wide)."];
            }
        }

        var now = time.GetUtcNow().ToUniversalTime();
        var from = QueryInstant.Parse(request.From, "from", errors) ?? new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var to = QueryInstant.Parse(request.To, "to", errors) ?? now;
        if (!errors.ContainsKey("from") && !errors.ContainsKey("to"))
        {
            if (from >= to)
            {
                errors["from"] = ["Must be before 'to'."];
            }
            else if (to - from > MaxPeriod)
            {
                errors["to"] = [$"The period may span at most {MaxPeriod.TotalDays} days."];
            }
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var notFound = Error.NotFound("tenant", $"There is no tenant '{tenantId}'.");
        if (AccessErrors.Denied(caller, Permission.BillingRead, tenantId!, notFound) is { } denied)
        {
            return denied;
        }

        if (await tenants.GetTenantAsync(tenantId!, cancellationToken).ConfigureAwait(false) is null)
        {
            return notFound;
        }

        var availability = await store.GetTenantAvailabilityAsync(tenantId!, from, to, cancellationToken).ConfigureAwait(false);
        var intervals = (await store.GetDownIntervalsAsync(tenantId!, from, to, cancellationToken).ConfigureAwait(false)).ToLookup(i => i.ResourceId, StringComparer.Ordinal);
        var sites = await store.GetSitesAsync([.. availability.Select(a => a.ResourceId)], cancellationToken).ConfigureAwait(false);
        var vms = availability.Select(a =>
        {
            var tier = catalog.Get(sites[a.ResourceId]).Tier;
            var measured = new ResourceAvailability(a.ResourceId, a.ExpectedSeconds, a.DownSeconds);
            return new VmAvailability(a.ResourceId, a.ProjectId, sites[a.ResourceId], tier, a.ExpectedSeconds, a.DownSeconds, Sla.AvailabilityPpm(measured),
                Sla.TargetPpm(tier), Sla.CreditPercent(tier, measured), a.Hours, a.SealedHours, [.. intervals[a.ResourceId]]);
        }).ToList();
        var (expected, down) = (vms.Sum(v => v.ExpectedSeconds), vms.Sum(v => v.DownSeconds));
        return Result<SlaReport>.Ok(new SlaReport(tenantId!, from, to, vms, expected, down,
            Sla.AvailabilityPpm(new ResourceAvailability(tenantId!, expected, down)), vms.Count(v => v.Breached)));
    }
}
