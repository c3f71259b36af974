using Sankofa.Core.Agents;
using Sankofa.Core.Audit;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tests.Fakes;

namespace Sankofa.Core.Tests.Agents;

/// <summary>Drift between a site's inventory and the store, over in-memory ports: what counts, and that it is recorded once.</summary>
public class InventoryDriftTests
{
    private const string Site = "edge-001";
    private static readonly DateTimeOffset Verified = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeResourceStore resources = new();
    private readonly RecordingAuditStore auditStore = new();

    private InventoryDrift NewDrift() => new(resources, new AuditLog(auditStore, TimeProvider.System), auditStore);

    private Resource Add(string id, ResourceStatus status = ResourceStatus.Verified, DateTimeOffset? verifiedAt = null, string site = Site, string node = "edge-001-h0",
        DateTimeOffset? deletedAt = null)
    {
        var spec = new ResourceSpec(2, 2048, 20, "debian-12-cloud", [], null);
        return resources.Add(new Resource(id, 0, "acme", "web", id, spec, SpecHash.Of(spec), DesiredState.Present, status, null,
            new PlacementExplanation(site, site, "edge", "NG", node, null, null, 1, "test", null, null, []),
            new VirtualMachineRef(node, 101), 0, Verified, Verified, Verified, status == ResourceStatus.Verified ? verifiedAt ?? Verified : null, deletedAt, null, null, 0));
    }

    private static SiteReport Report(DateTimeOffset takenAt, params ReportedVm[] vms) => new(
        Site, takenAt, takenAt.AddSeconds(1), true, null,
        [new ReportedNode("edge-001-h0", true, 32, 0.1, 1L << 36, 1L << 34, 1L << 40, 1L << 38), new ReportedNode("edge-001-h1", false, 32, 0, 0, 0, 0, 0)],
        vms);

    private static ReportedVm Vm(string resourceId, int vmId = 200) => new(resourceId, "edge-001-h0", vmId, "running", resourceId);

    private IReadOnlyList<ResourceEvent> Events(string id) => resources.GetEventsAsync(id, default).Result;

    [Fact]
    public async Task A_verified_vm_missing_from_reports_taken_after_its_verification_is_recorded_vanished_once_with_an_audit_entry()
    {
        Add("vm-gone");
        Add("vm-here");
        var drift = NewDrift();

        var first = await drift.CheckAsync(Report(Verified.AddMinutes(1), Vm("vm-here")), default);
        var second = await drift.CheckAsync(Report(Verified.AddMinutes(2), Vm("vm-here")), default);

        Assert.Equal(["vm-gone"], first.Vanished.Select(v => v.ResourceId));
        Assert.Equal(["vm-gone"], second.Vanished.Select(v => v.ResourceId)); // still drift, recorded once
        Assert.Single(Events("vm-gone"), e => e.Kind == InventoryDrift.VanishedKind && e.Status == ResourceStatus.Verified);
        Assert.Empty(Events("vm-here"));
        var audit = Assert.Single(resources.Audit);
        Assert.Equal(("site-agent:edge-001", "site.drift.vm-vanished", "resource:vm-gone"), (audit.Actor, audit.Action, audit.Subject));
        Assert.Empty(first.Unknown);
    }

    [Fact]
    public async Task A_vm_being_provisioned_verified_after_the_report_was_taken_or_on_an_offline_node_does_not_count_as_vanished()
    {
        Add("vm-provisioning", ResourceStatus.Provisioning);
        Add("vm-provisioned", ResourceStatus.Provisioned);
        Add("vm-just-verified", verifiedAt: Verified.AddMinutes(5));
        Add("vm-on-offline-node", node: "edge-001-h1");

        var found = await NewDrift().CheckAsync(Report(Verified.AddMinutes(4)), default);

        Assert.True(found.Checked);
        Assert.Empty(found.Vanished);
        Assert.Empty(resources.Audit);
    }

    [Fact]
    public async Task A_report_whose_agent_could_not_reach_the_hypervisor_shows_no_drift()
    {
        Add("vm-1");

        var found = await NewDrift().CheckAsync(new SiteReport(Site, Verified.AddMinutes(1), Verified.AddMinutes(1), false, "timeout", [], []), default);

        Assert.False(found.Checked);
        Assert.Empty(resources.Audit);
    }

    [Fact]
    public async Task A_vm_seen_again_after_it_vanished_gets_a_reappeared_event_and_may_vanish_again()
    {
        Add("vm-1");
        var drift = NewDrift();

        await drift.CheckAsync(Report(Verified.AddMinutes(1)), default);
        await drift.CheckAsync(Report(Verified.AddMinutes(2), Vm("vm-1")), default);
        await drift.CheckAsync(Report(Verified.AddMinutes(3)), default);

        Assert.Equal([InventoryDrift.VanishedKind, InventoryDrift.ReappearedKind, InventoryDrift.VanishedKind], Events("vm-1").Select(e => e.Kind));
    }

    [Fact]
    public async Task Vms_of_unknown_deleted_or_elsewhere_placed_resources_are_audited_once_per_vm_against_the_site()
    {
        Add("vm-here");
        Add("vm-deleted", ResourceStatus.Deleted, deletedAt: Verified.AddMinutes(1));
        Add("vm-elsewhere", site: "edge-002");
        Add("vm-deleted-late", ResourceStatus.Deleted, deletedAt: Verified.AddMinutes(9));
        var drift = NewDrift();
        ReportedVm[] vms = [Vm("vm-here", 1), Vm("vm-nobody", 2), Vm("vm-deleted", 3), Vm("vm-elsewhere", 4), Vm("vm-deleted-late", 5)];

        var first = await drift.CheckAsync(Report(Verified.AddMinutes(2), vms), default);
        var second = await drift.CheckAsync(Report(Verified.AddMinutes(3), vms), default);

        Assert.Equal(["vm-nobody", "vm-deleted", "vm-elsewhere"], first.Unknown.Select(u => u.Vm.ResourceId));
        Assert.Equal(first.Unknown, second.Unknown);
        Assert.Equal(["no such resource", "deleted at 2026-12-02T12:01:00.0000000+00:00", "placed on site edge-002"], first.Unknown.Select(u => u.Reason));
        Assert.Equal(3, auditStore.Entries.Count);
        Assert.All(auditStore.Entries, e => Assert.Equal(("site-agent:edge-001", "site.drift.unknown-vm", "site:edge-001"), (e.Actor, e.Action, e.Subject)));
        Assert.Contains("\"resourceId\":\"vm-nobody\"", auditStore.Entries[0].Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restarted_control_plane_records_no_drift_again()
    {
        Add("vm-gone");
        var report = Report(Verified.AddMinutes(1), Vm("vm-nobody"));
        await NewDrift().CheckAsync(report, default);

        var afterRestart = await NewDrift().CheckAsync(report with { TakenAt = Verified.AddMinutes(2) }, default);

        Assert.Equal((1, 1), (afterRestart.Vanished.Count, afterRestart.Unknown.Count));
        Assert.Single(Events("vm-gone"));
        Assert.Single(auditStore.Entries);
    }
}
