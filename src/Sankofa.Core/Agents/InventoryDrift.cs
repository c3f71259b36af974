using System.Collections.Concurrent;
using System.Text.Json;
using Sankofa.Core.Audit;
using Sankofa.Core.Provisioning;

namespace Sankofa.Core.Agents;

/// <summary>
/// Compares a site agent's inventory with the resources the store places on that site, and records what differs once:
/// a Verified resource whose VM is gone gets a <c>vm.vanished</c> event (and <c>vm.reappeared</c> if it comes back), a
/// VM carrying a resource id the store does not account for there gets a <c>site.drift.unknown-vm</c> audit entry.
/// Reports come every half minute from hundreds of sites: each costs one narrow read by site, and anything more only
/// when something differs.
/// </summary>
/// <param name="resources">Where resources and their history live.</param>
/// <param name="audit">Records unknown VMs.</param>
/// <param name="auditEntries">Reads what was recorded before this process started, so nothing is recorded twice after a restart.</param>
public sealed class InventoryDrift(IResourceStore resources, IAuditLog audit, IAuditStore auditEntries)
{
    /// <summary>Event kind of a verified resource whose VM is no longer on its site.</summary>
    public const string VanishedKind = "vm.vanished";

    /// <summary>Event kind of a vanished resource's VM seen again.</summary>
    public const string ReappearedKind = "vm.reappeared";

    /// <summary>Audit action of a VM the control plane does not account for on the site (subject <c>site:{site}</c>).</summary>
    public const string UnknownVmAction = "site.drift.unknown-vm";

    /// <summary>Audit action of a vanished VM (subject <c>resource:{id}</c>).</summary>
    public const string VanishedAction = "site.drift.vm-vanished";

    /// <summary>Audit action of a vanished VM seen again (subject <c>resource:{id}</c>).</summary>
    public const string ReappearedAction = "site.drift.vm-reappeared";

    // How many earlier unknown-VM entries of a site are read back when the site first reports to this process.
    private const int RecordedUnknownLimit = 1000;

    // camelCase, as the other audit payloads.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, SiteDrift> sites = new(StringComparer.Ordinal);

    /// <summary>The actor of what drift records: the site's agent, whose report showed it.</summary>
    public static string ActorOf(string siteId) => "site-agent:" + siteId;

    /// <summary>Compares <paramref name="report"/> with the store, records new drift, and returns all the drift it shows.</summary>
    public async Task<DriftFound> CheckAsync(SiteReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!report.HypervisorReachable)
        {
            return DriftFound.NotChecked; // the agent saw nothing, which says nothing about the VMs
        }

        var site = sites.GetOrAdd(report.SiteId, _ => new SiteDrift());
        await site.Turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!site.Loaded)
            {
                await LoadRecordedAsync(report.SiteId, site, cancellationToken).ConfigureAwait(false);
                site.Loaded = true;
            }

            var known = await resources.GetSiteResourcesAsync(report.SiteId, cancellationToken).ConfigureAwait(false);
            var reported = new Dictionary<string, ReportedVm>(StringComparer.Ordinal);
            foreach (var vm in report.Vms)
            {
                reported.TryAdd(vm.ResourceId, vm);
            }

            var vanished = await VanishedAsync(report, site, known, reported, cancellationToken).ConfigureAwait(false);
            var unknown = await UnknownAsync(report, site, known, reported, cancellationToken).ConfigureAwait(false);
            return new DriftFound(true, vanished, unknown);
        }
        finally
        {
            site.Turn.Release();
        }
    }

    private async Task<IReadOnlyList<VanishedVm>> VanishedAsync(
        SiteReport report, SiteDrift site, IReadOnlyList<SiteResource> known, Dictionary<string, ReportedVm> reported, CancellationToken cancellationToken)
    {
        var onlineNodes = report.Nodes.Where(n => n.Online).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var takenBy = report.TakenNoLaterThan;
        var vanished = new List<VanishedVm>();
        foreach (var r in known)
        {
            if (reported.TryGetValue(r.Id, out var seen))
            {
                if (site.Vanished.Remove(r.Id))
                {
                    await AppendAsync(report.SiteId, r.Id, ReappearedKind, ReappearedAction,
                        $"The site's agent reports the VM again ({seen.VmId} on {seen.Node}).", new { site = report.SiteId, node = seen.Node, vmId = seen.VmId, takenAt = report.TakenAt },
                        cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            // Only what is settled as running counts: a VM being made or removed may not be in a report yet, and one
            // verified after the report was taken could not be in it. A VM on a node that is offline is not gone either.
            if (r.Status != ResourceStatus.Verified || r.Desired != DesiredState.Present || r.VerifiedAt is not { } verifiedAt || verifiedAt >= takenBy
                || (r.VmNode is { } node && !onlineNodes.Contains(node)))
            {
                continue;
            }

            vanished.Add(new VanishedVm(r.Id, r.VmNode, r.VmId));
            if (site.Vanished.Contains(r.Id))
            {
                continue;
            }

            // Recorded before (by this process before a restart, or by another): the history's last word says so.
            var history = await resources.GetEventsAsync(r.Id, cancellationToken).ConfigureAwait(false);
            if (history.LastOrDefault(e => e.Kind is VanishedKind or ReappearedKind)?.Kind != VanishedKind)
            {
                await AppendAsync(report.SiteId, r.Id, VanishedKind, VanishedAction,
                    $"The site's agent no longer reports the VM ({r.VmId} on {r.VmNode}) in its inventory taken at {report.TakenAt:O}.",
                    new { site = report.SiteId, node = r.VmNode, vmId = r.VmId, takenAt = report.TakenAt }, cancellationToken).ConfigureAwait(false);
            }

            site.Vanished.Add(r.Id);
        }

        // Forget resources deleted meanwhile.
        var ids = known.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        site.Vanished.RemoveWhere(id => !ids.Contains(id));
        return vanished;
    }

    private async Task<IReadOnlyList<UnknownVm>> UnknownAsync(
        SiteReport report, SiteDrift site, IReadOnlyList<SiteResource> known, Dictionary<string, ReportedVm> reported, CancellationToken cancellationToken)
    {
        var live = known.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var unknown = new List<UnknownVm>();
        foreach (var vm in reported.Values.Where(v => !live.Contains(v.ResourceId)))
        {
            if (site.Unknown.TryGetValue(vm.ResourceId, out var reason))
            {
                unknown.Add(new UnknownVm(vm, reason));
                continue;
            }

            // Rare (drift), so the one lookup that says why is affordable.
            var stored = await resources.GetResourceAsync(vm.ResourceId, cancellationToken).ConfigureAwait(false);
            reason = stored switch
            {
                null => "no such resource",
                { Status: ResourceStatus.Deleted, DeletedAt: { } deletedAt } when deletedAt < report.TakenNoLaterThan => $"deleted at {deletedAt:O}",
                { Status: ResourceStatus.Deleted } => null, // deleted after the report was taken: the VM was still going then
                _ when stored.Placement.SiteId != report.SiteId => $"placed on site {stored.Placement.SiteId}",
                _ => null, // placed here since the site's resources were read
            };
            if (reason is null)
            {
                continue;
            }

            await audit.AppendAsync(
                new AuditEvent(ActorOf(report.SiteId), UnknownVmAction, "site:" + report.SiteId, JsonSerializer.Serialize(new UnknownVmPayload(vm.ResourceId, vm.Node, vm.VmId, vm.Name, reason, report.TakenAt), Json)),
                cancellationToken).ConfigureAwait(false);
            site.Unknown[vm.ResourceId] = reason;
            unknown.Add(new UnknownVm(vm, reason));
        }

        return unknown;
    }

    private Task AppendAsync(string siteId, string resourceId, string kind, string action, string message, object payload, CancellationToken cancellationToken) =>
        resources.AppendEventAsync(resourceId, new NewResourceEvent(kind, message),
            new AuditEvent(ActorOf(siteId), action, "resource:" + resourceId, JsonSerializer.Serialize(payload, Json)), cancellationToken);

    /// <summary>Unknown VMs recorded for the site before, so a restarted control plane does not record them again.</summary>
    private async Task LoadRecordedAsync(string siteId, SiteDrift site, CancellationToken cancellationToken)
    {
        var page = await auditEntries.ListEntriesAsync(new AuditQuery(Action: UnknownVmAction, Subject: "site:" + siteId, Limit: RecordedUnknownLimit), cancellationToken)
            .ConfigureAwait(false);
        foreach (var entry in page.Items.Where(e => e.Payload is not null))
        {
            try
            {
                if (JsonSerializer.Deserialize<UnknownVmPayload>(entry.Payload!, Json) is { ResourceId: { Length: > 0 } id } payload)
                {
                    site.Unknown.TryAdd(id, payload.Reason ?? "recorded before");
                }
            }
            catch (JsonException)
            {
                // Recorded by hand through the audit API with another shape: not one of ours.
            }
        }
    }

    /// <summary>What the control plane knows of a site's drift; one report of a site is compared at a time.</summary>
    private sealed class SiteDrift
    {
        public SemaphoreSlim Turn { get; } = new(1, 1);

        public bool Loaded { get; set; }

        public HashSet<string> Vanished { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Unknown { get; } = new(StringComparer.Ordinal);
    }

    private sealed record UnknownVmPayload(string ResourceId, string? Node, int VmId, string? Name, string? Reason, DateTimeOffset TakenAt);
}
