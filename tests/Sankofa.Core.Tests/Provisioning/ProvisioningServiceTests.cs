using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Audit;
using Sankofa.Core.Access;
using Sankofa.Core.Placement;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Tests.Fakes;
using Sankofa.Core.Tests.Tenancy;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Provisioning;

/// <summary>The provisioning service over in-memory stores: validation, quotas, idempotency, tenant visibility, placement preview and delete.</summary>
public sealed class ProvisioningServiceTests
{
    private static readonly ResourceTotals Roomy = new(64, 262144, 4096, 20);
    private static readonly Caller OperatorOfA = new("o", "ada", [new RoleGrant(Roles.Operator, "a")]);
    private static readonly Caller ViewerOfA = new("v", "vic", [new RoleGrant(Roles.Viewer, "a")]);
    private static readonly Caller OperatorOfB = new("ob", "bob", [new RoleGrant(Roles.Operator, "b")]);
    private static readonly Site Pinned = SiteCatalog.Default.Sites.First(s => s.Tier == SiteTier.Edge && s.Status == SiteStatus.Up);

    private readonly FakeTimeProvider time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly FakeResourceStore store = new();
    private readonly InMemoryTenancyStore tenancy = new();
    private readonly ProvisioningService service;

    public ProvisioningServiceTests()
    {
        var options = new ProvisioningOptions();
        service = new ProvisioningService(store, tenancy, tenancy, new PlacementEngine(SiteCatalog.Default),
            new FleetCapacity(store, SiteCatalog.Default, options, time), options, time);
        foreach (var tenant in new[] { "a", "b" })
        {
            tenancy.CreateTenantAsync(new Tenant(tenant, "Tenant " + tenant, Roomy, default), Seed(), default).GetAwaiter().GetResult();
        }

        tenancy.CreateProjectAsync(new Project("pa", "a", "Project a", Roomy, default), Seed(), default).GetAwaiter().GetResult();
        tenancy.CreateProjectAsync(new Project("small", "a", "Small", new ResourceTotals(2, 262144, 4096, 20), default), Seed(), default).GetAwaiter().GetResult();
        tenancy.CreateProjectAsync(new Project("pb", "b", "Project b", Roomy, default), Seed(), default).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task A_valid_request_is_stored_as_requested_on_the_pinned_site_with_its_audit_entry()
    {
        var accepted = await service.CreateAsync("api:ada", OperatorOfA, Request(), null, default);

        var resource = accepted.Value!.Resource;
        Assert.False(accepted.Value.Replayed);
        Assert.Equal((ResourceStatus.Requested, DesiredState.Present, "a", "pa", Pinned.Id), (resource.Status, resource.Desired, resource.TenantId, resource.ProjectId, resource.Placement.SiteId));
        Assert.Equal(resource, await store.GetResourceAsync(resource.Id, default));
        var audit = Assert.Single(store.Audit);
        Assert.Equal(("api:ada", "provisioning.resource.requested", "resource:" + resource.Id), (audit.Actor, audit.Action, audit.Subject));
    }

    [Fact]
    public async Task A_request_with_bad_fields_is_refused_naming_each_field_and_nothing_is_stored()
    {
        var refused = await service.CreateAsync("api:ada", OperatorOfA,
            Request() with { Name = "Not_A_Label", VCpu = 0, Template = "windows-95", SshKeys = ["not a key"], SiteId = "nowhere" }, "", default);

        Assert.Equal(ErrorKind.Invalid, refused.Error!.Kind);
        Assert.Equal(["Idempotency-Key", "name", "siteId", "sshKeys[0]", "template", "vcpu"], refused.Error.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(await store.GetAllocationsAsync(default));
        Assert.Empty(store.Audit);
    }

    [Fact]
    public async Task A_request_over_the_projects_quota_is_refused_naming_the_quota_and_nothing_is_stored()
    {
        var refused = await service.CreateAsync("api:ada", OperatorOfA, Request() with { ProjectId = "small", VCpu = 4 }, null, default);

        Assert.Equal(ErrorKind.QuotaExceeded, refused.Error!.Kind);
        Assert.Equal(["quota.vcpu"], refused.Error.Fields.Keys);
        Assert.Contains("project small quota vcpu exceeded: requested 4, 2 of 2 left", refused.Error.Message, StringComparison.Ordinal);
        Assert.Empty(await store.GetAllocationsAsync(default));
    }

    [Fact]
    public async Task The_same_request_again_with_its_idempotency_key_answers_the_resource_created_first()
    {
        var first = await service.CreateAsync("api:ada", OperatorOfA, Request(), "key-1", default);
        var again = await service.CreateAsync("api:ada", OperatorOfA, Request(), "key-1", default);

        Assert.True(again.Value!.Replayed);
        Assert.Equal(first.Value!.Resource.Id, again.Value.Resource.Id);
        Assert.Single(await store.GetAllocationsAsync(default));
        Assert.Single(store.Audit);
    }

    [Fact]
    public async Task An_idempotency_key_reused_for_a_different_request_is_a_conflict_naming_the_key()
    {
        var first = await service.CreateAsync("api:ada", OperatorOfA, Request(), "key-1", default);
        var other = await service.CreateAsync("api:ada", OperatorOfA, Request() with { VCpu = 4 }, "key-1", default);
        var renamed = await service.CreateAsync("api:ada", OperatorOfA, Request() with { Name = "db-2" }, "key-1", default);

        Assert.All([other, renamed], r => Assert.Equal(ErrorKind.Conflict, r.Error!.Kind));
        Assert.Equal(["Idempotency-Key"], other.Error!.Fields.Keys);
        Assert.Contains(first.Value!.Resource.Id, other.Error.Message, StringComparison.Ordinal);
        Assert.Single(await store.GetAllocationsAsync(default));
    }

    [Fact]
    public async Task Another_tenants_project_answers_exactly_as_a_missing_one_and_a_viewer_of_its_own_is_forbidden()
    {
        var other = await service.CreateAsync("api:ada", OperatorOfA, Request() with { ProjectId = "pb" }, null, default);
        var missing = await service.CreateAsync("api:ada", OperatorOfA, Request() with { ProjectId = "pz" }, null, default);
        var viewer = await service.CreateAsync("api:vic", ViewerOfA, Request(), null, default);

        Assert.Equal(missing.Error!.Kind, other.Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, other.Error.Kind);
        Assert.Equal(missing.Error.Fields.Keys, other.Error.Fields.Keys);
        Assert.Equal(missing.Error.Message.Replace("pz", "pb", StringComparison.Ordinal), other.Error.Message);
        Assert.Null(other.Error.MissingPermission);
        Assert.Equal(ErrorKind.Forbidden, viewer.Error!.Kind);
        Assert.Empty(await store.GetAllocationsAsync(default));
    }

    [Fact]
    public async Task A_placement_preview_names_the_site_and_host_and_creates_nothing()
    {
        var preview = await service.ExplainAsync(ViewerOfA, Request(), default);

        Assert.Equal(Pinned.Id, preview.Value!.SiteId);
        Assert.Contains(Pinned.Hosts, h => h.Id == preview.Value.HostId);
        Assert.False(string.IsNullOrWhiteSpace(preview.Value.Reason));
        Assert.Empty(await store.GetAllocationsAsync(default));
        Assert.Empty(store.Audit);
    }

    [Fact]
    public async Task A_placement_preview_checks_the_projects_quota_and_hides_another_tenants_project()
    {
        var overQuota = await service.ExplainAsync(ViewerOfA, Request() with { ProjectId = "small", VCpu = 4 }, default);
        var hidden = await service.ExplainAsync(ViewerOfA, Request() with { ProjectId = "pb" }, default);

        Assert.Equal(["quota.vcpu"], overQuota.Error!.Fields.Keys);
        Assert.Equal(ErrorKind.NotFound, hidden.Error!.Kind);
        Assert.Equal(["projectId"], hidden.Error.Fields.Keys);
    }

    [Fact]
    public async Task A_pinned_site_of_another_tier_is_refused_as_conflicting_constraints_naming_both_fields()
    {
        var refused = await service.ExplainAsync(ViewerOfA, Request() with { Tier = SiteTier.Core }, default);

        Assert.Equal(ErrorKind.ConflictingConstraints, refused.Error!.Kind);
        Assert.Equal(["siteId", "tier"], refused.Error.Fields.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Deleting_asks_for_removal_once_with_an_audit_entry_and_repeating_changes_nothing()
    {
        var created = (await service.CreateAsync("api:ada", OperatorOfA, Request(), null, default)).Value!.Resource;

        var deleted = await service.DeleteAsync("api:ada", OperatorOfA, created.Id, default);
        var again = await service.DeleteAsync("api:ada", OperatorOfA, created.Id, default);

        Assert.Equal((DesiredState.Absent, ResourceStatus.Requested), (deleted.Value!.Desired, deleted.Value.Status));
        Assert.Equal(deleted.Value, again.Value);
        Assert.Single(store.Audit, a => a.Action == "provisioning.resource.delete-requested" && a.Subject == "resource:" + created.Id);
        Assert.Contains(await store.GetEventsAsync(created.Id, default), e => e.Kind == "resource.delete-requested");
    }

    [Fact]
    public async Task Deleting_a_failed_resource_marks_it_deleted_at_once()
    {
        var created = (await service.CreateAsync("api:ada", OperatorOfA, Request(), null, default)).Value!.Resource;
        await store.UpdateResourceAsync(created with { Status = ResourceStatus.Failed, FailureReason = "test" }, null, null, null, default);

        var deleted = await service.DeleteAsync("api:ada", OperatorOfA, created.Id, default);

        Assert.Equal((DesiredState.Absent, ResourceStatus.Deleted, time.GetUtcNow()), (deleted.Value!.Desired, deleted.Value.Status, deleted.Value.DeletedAt));
    }

    [Fact]
    public async Task Another_tenants_resource_cannot_be_deleted_and_answers_as_a_missing_one()
    {
        var created = (await service.CreateAsync("api:ada", OperatorOfA, Request(), null, default)).Value!.Resource;

        var other = await service.DeleteAsync("api:bob", OperatorOfB, created.Id, default);
        var missing = await service.DeleteAsync("api:bob", OperatorOfB, "vm-none", default);
        var viewer = await service.DeleteAsync("api:vic", ViewerOfA, created.Id, default);

        Assert.Equal((ErrorKind.NotFound, ErrorKind.NotFound, ErrorKind.Forbidden), (other.Error!.Kind, missing.Error!.Kind, viewer.Error!.Kind));
        Assert.Equal(missing.Error.Message.Replace("vm-none", created.Id, StringComparison.Ordinal), other.Error.Message);
        Assert.Equal(DesiredState.Present, (await store.GetResourceAsync(created.Id, default))!.Desired);
    }

    [Fact]
    public async Task A_resize_of_a_verified_vm_meters_the_old_size_up_to_now_and_stores_the_new_spec_as_resizing_once()
    {
        var verified = await VerifiedAsync(Request());
        time.Advance(TimeSpan.FromMinutes(90));

        var resized = await service.ResizeAsync("api:ada", OperatorOfA, verified.Id, new ResizeRequest(VCpu: 4, DiskGiB: 30), default);
        var again = await service.ResizeAsync("api:ada", OperatorOfA, verified.Id, new ResizeRequest(VCpu: 4, DiskGiB: 30), default);

        var r = resized.Value!;
        Assert.Equal((ResourceStatus.Resizing, 4, 2048L, 30L), (r.Status, r.Spec.VCpu, r.Spec.RamMiB, r.Spec.DiskGiB));
        Assert.Equal(SpecHash.Of(r.Spec), r.SpecHash);
        Assert.Equal((time.GetUtcNow(), verified.VerifiedAt), (r.MeteredUntil, r.VerifiedAt));
        Assert.Equal(r, again.Value); // the size it is being given: nothing changes
        // 90 minutes at the old size (2 vCPU, 20 GiB), split at the clock hour, recorded with the resize.
        Assert.Equal(5400, store.ResizeUsage.Sum(u => u.Seconds));
        Assert.Equal(3, store.ResizeUsage.Sum(u => u.VCpuHours), 6);
        Assert.Equal(30, store.ResizeUsage.Sum(u => u.DiskGbHours), 6);
        Assert.Single(store.Audit, a => a.Action == "provisioning.resource.resize-requested" && a.Subject == "resource:" + r.Id && a.Payload.Contains("\"vcpu\":4", StringComparison.Ordinal));
        Assert.Contains(await store.GetEventsAsync(r.Id, default), e => e.Kind == "resource.resize-requested" && e.Message.Contains("2 → 4 vCPU", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_resize_is_refused_naming_the_field_for_bad_sizes_a_shrinking_disk_quotas_and_the_hosts_room()
    {
        var verified = await VerifiedAsync(Request() with { ProjectId = "small" });
        var host = Pinned.Hosts.First(h => h.Id == verified.Placement.HostId).Capacity;
        Assert.True(host.VCpu < new ProvisioningOptions().MaxVCpu, "the test needs a host smaller than the largest VM allowed");

        var nothing = await service.ResizeAsync("api:ada", OperatorOfA, verified.Id, new ResizeRequest(), default);
        var zero = await service.ResizeAsync("api:ada", OperatorOfA, verified.Id, new ResizeRequest(VCpu: 0, RamMiB: -1), default);
        var shrink = await service.ResizeAsync("api:ada", OperatorOfA, verified.Id, new ResizeRequest(DiskGiB: 10), default);
        var quota = await service.ResizeAsync("api:ada", OperatorOfA, verified.Id, new ResizeRequest(VCpu: 5), default);
        var room = await service.ResizeAsync("api:ada", OperatorOfA, verified.Id, new ResizeRequest(RamMiB: host.RamMiB + 1), default);

        Assert.Equal(ErrorKind.Invalid, nothing.Error!.Kind);
        Assert.Equal(["diskGiB", "ramMiB", "vcpu"], nothing.Error.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["ramMiB", "vcpu"], zero.Error!.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((ErrorKind.Invalid, "diskGiB"), (shrink.Error!.Kind, Assert.Single(shrink.Error.Fields.Keys)));
        Assert.Equal((ErrorKind.QuotaExceeded, "quota.vcpu"), (quota.Error!.Kind, Assert.Single(quota.Error.Fields.Keys)));
        Assert.Equal((ErrorKind.NoCapacity, "ramMiB"), (room.Error!.Kind, Assert.Single(room.Error.Fields.Keys)));
        var stored = (await store.GetResourceAsync(verified.Id, default))!;
        Assert.Equal((ResourceStatus.Verified, verified.Spec), (stored.Status, stored.Spec));
        // The refused growth gave the host's room back: the largest size that fits is still granted.
        Assert.Equal(ResourceStatus.Resizing, (await service.ResizeAsync("api:ada", OperatorOfA, verified.Id, new ResizeRequest(RamMiB: host.RamMiB), default)).Value!.Status);
    }

    [Fact]
    public async Task A_resize_waits_for_a_verified_vm_and_is_refused_for_one_being_deleted_or_another_tenants()
    {
        var created = (await service.CreateAsync("api:ada", OperatorOfA, Request(), null, default)).Value!.Resource;
        var verified = await VerifiedAsync(Request() with { Name = "db-2" });
        await service.DeleteAsync("api:ada", OperatorOfA, verified.Id, default);

        var early = await service.ResizeAsync("api:ada", OperatorOfA, created.Id, new ResizeRequest(VCpu: 4), default);
        var deleting = await service.ResizeAsync("api:ada", OperatorOfA, verified.Id, new ResizeRequest(VCpu: 4), default);
        var other = await service.ResizeAsync("api:bob", OperatorOfB, created.Id, new ResizeRequest(VCpu: 4), default);
        var viewer = await service.ResizeAsync("api:vic", ViewerOfA, created.Id, new ResizeRequest(VCpu: 4), default);

        Assert.Equal((ErrorKind.Conflict, ErrorKind.Conflict, ErrorKind.NotFound, ErrorKind.Forbidden),
            (early.Error!.Kind, deleting.Error!.Kind, other.Error!.Kind, viewer.Error!.Kind));
        Assert.Contains("never Verified", early.Error.Message, StringComparison.Ordinal);
        Assert.Contains("to be deleted", deleting.Error.Message, StringComparison.Ordinal);
    }

    /// <summary>A resource created through the service and marked Verified now, as the reconciler would.</summary>
    private async Task<Resource> VerifiedAsync(ResourceRequest request)
    {
        var created = (await service.CreateAsync("api:ada", OperatorOfA, request, null, default)).Value!.Resource;
        var now = time.GetUtcNow();
        return await store.UpdateResourceAsync(created with { Status = ResourceStatus.Verified, VerifiedAt = now, MeteredUntil = now, Vm = new VirtualMachineRef("node-1", 100) },
            null, null, null, default);
    }

    private static ResourceRequest Request() => new("pa", "db-1", 2, 2048, 20, "debian-12-cloud", SiteId: Pinned.Id);

    private static AuditEvent Seed() => new("test", "tenancy.seeded", "test", "{}");
}
