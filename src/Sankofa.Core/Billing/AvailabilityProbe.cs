using System.Collections.Concurrent;
using Sankofa.Core.Agents;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Billing;

/// <summary>What one probe round did.</summary>
/// <param name="Measured">Resources whose availability moved on.</param>
/// <param name="Sealed">Complete hours sealed into the audit log.</param>
/// <param name="Unreachable">Sites whose VMs counted as down because the site did not answer (or its agent is silent).</param>
public sealed record AvailabilityRound(int Measured, int Sealed, IReadOnlyList<string> Unreachable);

/// <summary>
/// One round of availability measuring (docs/billing.md): asks each site with resources to measure which of its VMs run
/// — in direct mode the site's hypervisor (<see cref="IVirtualMachineProvider.ListManagedAsync"/>), in agent mode the
/// agent's latest inventory report — records each resource's step (<see cref="AvailabilityMeter"/>), then seals every hour
/// now complete into the audit log (<see cref="AvailabilitySeal"/>). A site that does not answer, or whose agent is silent,
/// counts as down for its VMs.
/// </summary>
/// <param name="store">Where availability lives.</param>
/// <param name="providers">The hypervisors of sites in direct mode.</param>
/// <param name="options">Timeout and parallelism.</param>
/// <param name="time">The clock: steps end at its now.</param>
/// <param name="reportedHealth">Which sites are in agent mode (null: none).</param>
/// <param name="reports">Their agents' latest reports (null: none).</param>
public sealed class AvailabilityProbe(
    IAvailabilityStore store, IVirtualMachineProviderFactory providers, SlaOptions options, TimeProvider time,
    IReportedSiteHealth? reportedHealth = null, ISiteReports? reports = null)
{
    private const int PageSize = 500;

    // Large enough that a tenant's hour rarely straddles two pages (it would take two entries).
    private const int SealPage = 5_000;

    /// <summary>One round.</summary>
    public async Task<AvailabilityRound> ProbeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sites = new ConcurrentDictionary<string, SiteVms>(StringComparer.Ordinal);
        var measured = 0;
        long after = 0;
        while (true)
        {
            var batch = await store.GetMeasurableAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
            // Each site is asked once per round, however many of its resources there are.
            await Parallel.ForEachAsync(
                batch.Where(s => s.ExpectedUp).Select(s => s.SiteId).Distinct(StringComparer.Ordinal).Where(id => !sites.ContainsKey(id)),
                new ParallelOptions { MaxDegreeOfParallelism = options.ProbeParallelism, CancellationToken = cancellationToken },
                async (siteId, ct) => sites[siteId] = await ObserveAsync(siteId, ct).ConfigureAwait(false)).ConfigureAwait(false);
            foreach (var subject in batch)
            {
                var observed = sites.TryGetValue(subject.SiteId, out var vms) ? vms.Of(subject.ResourceId) : VmObservation.Unknown;
                if (AvailabilityMeter.Measure(subject, observed, now) is not { } step)
                {
                    continue;
                }

                try
                {
                    measured += await store.RecordAsync(step, cancellationToken).ConfigureAwait(false) ? 1 : 0;
                }
                catch (StoreConflictException)
                {
                    // Another server recorded this resource at the same moment: its step stands, this one is moot.
                }
            }

            if (batch.Count < PageSize)
            {
                break;
            }

            after = batch[^1].Sequence;
        }

        var sealedHours = 0;
        int sealedNow;
        do
        {
            sealedHours += sealedNow = await store.SealCompletedHoursAsync(SealPage, cancellationToken).ConfigureAwait(false);
        }
        while (sealedNow == SealPage);

        return new AvailabilityRound(measured, sealedHours, [.. sites.Where(s => s.Value.Unreachable).Select(s => s.Key).Order(StringComparer.Ordinal)]);
    }

    private async Task<SiteVms> ObserveAsync(string siteId, CancellationToken cancellationToken)
    {
        if (reportedHealth is not null && reportedHealth.Reports(siteId, out var health))
        {
            return FromAgent(health, reports?.Latest(siteId));
        }

        if (!providers.ClusterIds.Contains(siteId))
        {
            return SiteVms.Down; // nothing here can reach the site
        }

        using var deadline = new CancellationTokenSource(options.ProbeTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var vms = await providers.Get(siteId).ListManagedAsync(linked.Token).ConfigureAwait(false);
            return new SiteVms(false, [.. vms.Where(v => v.PowerState == PowerState.Running && v.ResourceId is not null).Select(v => v.ResourceId!)]);
        }
        catch (Exception ex) when (ex is ProvisioningException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return SiteVms.Down;
        }
    }

    /// <summary>
    /// A site in agent mode, from its agent's latest report: down when the agent is silent or could not reach its
    /// hypervisor; unknown while nothing was reported here (the agent may be linked to another control plane).
    /// </summary>
    private static SiteVms FromAgent(SiteObservation? health, SiteInventoryState? latest)
    {
        if (health is { Status: SiteStatus.Down, Hosts.Count: 0 })
        {
            return SiteVms.Down; // silent, or its hypervisor did not answer it
        }

        return latest is null
            ? SiteVms.NothingKnown
            : new SiteVms(false, [.. latest.Report.Vms.Where(v => string.Equals(v.Status, "running", StringComparison.Ordinal)).Select(v => v.ResourceId)]);
    }

    /// <summary>Which VMs of a site run; null: nothing known.</summary>
    private sealed record SiteVms(bool Unreachable, HashSet<string>? Running)
    {
        public static readonly SiteVms Down = new(true, []);

        public static readonly SiteVms NothingKnown = new(false, null);

        public VmObservation Of(string resourceId) =>
            Running is null ? VmObservation.Unknown : Running.Contains(resourceId) ? VmObservation.Up : VmObservation.Down;
    }
}
