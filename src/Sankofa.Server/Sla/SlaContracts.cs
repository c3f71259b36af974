using Sankofa.Core.Billing;

namespace Sankofa.Server.Sla;

/// <summary>A tenant's SLA report.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="From">First hour included.</param>
/// <param name="To">End of the period (exclusive).</param>
/// <param name="Resources">Per VM, by resource id.</param>
/// <param name="Totals">The tenant's VMs together.</param>
public sealed record SlaReportResponse(string Tenant, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<VmAvailabilityResponse> Resources, SlaTotalsResponse Totals)
{
    internal static SlaReportResponse Of(SlaReport r) => new(r.TenantId, r.From, r.To, [.. r.Resources.Select(VmAvailabilityResponse.Of)],
        new SlaTotalsResponse(r.Resources.Count, r.ExpectedSeconds, r.DownSeconds, r.AvailabilityPpm, SlaReports.Percent(r.AvailabilityPpm), r.Breaches));
}

/// <summary>One VM's availability.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="ProjectId">Its project.</param>
/// <param name="SiteId">Its site.</param>
/// <param name="Tier">core, regional or edge.</param>
/// <param name="ExpectedSeconds">Seconds it was expected up.</param>
/// <param name="DownSeconds">Of those, seconds it was observed down.</param>
/// <param name="AvailabilityPpm">Parts per million, rounded down.</param>
/// <param name="AvailabilityPercent">The same as a percent with four decimals ("99.9768").</param>
/// <param name="TargetPpm">Its tier's target.</param>
/// <param name="TargetPercent">The target as a percent with four decimals.</param>
/// <param name="Breached">Below the target.</param>
/// <param name="CreditPercent">The credit the schedule gives, in percent of the VM's charge.</param>
/// <param name="Hours">Hours measured.</param>
/// <param name="SealedHours">Of those, sealed into the audit log.</param>
/// <param name="DownIntervals">Its down intervals overlapping the period; <c>end</c> null while one lasts.</param>
public sealed record VmAvailabilityResponse(
    string ResourceId, string ProjectId, string SiteId, string Tier, long ExpectedSeconds, long DownSeconds, long AvailabilityPpm, string AvailabilityPercent,
    long TargetPpm, string TargetPercent, bool Breached, int CreditPercent, int Hours, int SealedHours, IReadOnlyList<DownIntervalResponse> DownIntervals)
{
    internal static VmAvailabilityResponse Of(VmAvailability v) => new(
        v.ResourceId, v.ProjectId, v.SiteId, v.Tier.ToString().ToLowerInvariant(), v.ExpectedSeconds, v.DownSeconds, v.AvailabilityPpm, SlaReports.Percent(v.AvailabilityPpm),
        v.TargetPpm, SlaReports.Percent(v.TargetPpm), v.Breached, v.CreditPercent, v.Hours, v.SealedHours,
        [.. v.DownIntervals.Select(i => new DownIntervalResponse(i.Start, i.End))]);
}

/// <summary>A time a VM was down.</summary>
/// <param name="Start">First observed down.</param>
/// <param name="End">First observed up again; null while it lasts.</param>
public sealed record DownIntervalResponse(DateTimeOffset Start, DateTimeOffset? End);

/// <summary>A tenant's VMs together.</summary>
/// <param name="Resources">VMs measured.</param>
/// <param name="ExpectedSeconds">Summed.</param>
/// <param name="DownSeconds">Summed.</param>
/// <param name="AvailabilityPpm">Of the pooled seconds, parts per million, rounded down.</param>
/// <param name="AvailabilityPercent">The same as a percent with four decimals.</param>
/// <param name="Breaches">VMs below their target.</param>
public sealed record SlaTotalsResponse(int Resources, long ExpectedSeconds, long DownSeconds, long AvailabilityPpm, string AvailabilityPercent, int Breaches);
