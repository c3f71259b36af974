using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Data.Provisioning;

namespace Sankofa.Data.Tests.Provisioning;

/// <summary>The provisioning store against real SQLite and PostgreSQL: mutations and their audit entries commit together.</summary>
public sealed class ProvisioningStoreTests
{
    private static readonly ResourceTotals Quota = new(16, 65536, 1000, 4);
    internal static readonly DateTimeOffset Now = new(2026, 3, 1, 10, 30, 0, TimeSpan.Zero);

    public static TheoryData<string> Providers => TestStore.Providers;

    internal static AuditEvent Audit(string action, string subject) => new("tester", action, subject, "{}");

    internal static async Task<(Tenant Tenant, Project Project)> SeedAsync(ProvisioningStore store, ResourceTotals? quota = null)
    {
        var tenant = new Tenant("acme", "Acme", quota ?? Quota, default);
        var project = new Project("web", "acme", "Web", quota ?? Quota, default);
        await store.CreateTenantAsync(tenant, Audit("tenancy.tenant.created", "tenant:acme"), CancellationToken.None);
        await store.CreateProjectAsync(project, Audit("tenancy.project.created", "project:web"), CancellationToken.None);
        return (tenant, project);
    }

    internal static Resource NewResource(string id, string? key = null)
    {
        var spec = new ResourceSpec(2, 4096, 20, "debian-12-cloud", ["ssh-ed25519 AAAAC3Nza test@host"], "ops");
        var placement = new PlacementExplanation("edge-001", "Brussels", "edge", "BE", "edge-001-h01", 10, 2.2, 0.8, "best", null, "g1",
            [new RejectedExplanation("edge-002", 300, 6.5, "overLatency", "too far")]);
        return new Resource(id, 0, "acme", "web", "vm1", spec, spec.Hash(), DesiredState.Present, ResourceStatus.Requested, null, placement, null,
            0, Now, Now, Now, null, null, null, key, 0);
    }

    internal static async Task<Resource> CreateAsync(ProvisioningStore store, Tenant tenant, Project project, Resource resource)
    {
        var decision = QuotaPolicy.ReserveVms(tenant, project, resource.Spec.Size);
        Assert.True(decision.IsGranted);
        return await store.CreateResourceAsync(resource, new NewResourceEvent("resource.requested", "requested"),
            Audit("provisioning.resource.requested", "resource:" + resource.Id), CancellationToken.None);
    }

    private static async Task<int> AuditCountAsync(TestStore store, string action) =>
        (await store.Audit.ListEntriesAsync(new AuditQuery(Action: action, Limit: 1000), CancellationToken.None)).Items.Count;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_resource_round_trips_with_its_placement_events_and_the_quota_it_takes(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var (tenant, project) = await SeedAsync(store);
        var created = await CreateAsync(store, tenant, project, NewResource("vm-1", "key-1"));

        var read = await store.GetResourceAsync("vm-1", CancellationToken.None);
        Assert.NotNull(read);
        Assert.True(read.Sequence > 0);
        Assert.Equal(created.SpecHash, read.SpecHash);
        Assert.Equal(["ssh-ed25519 AAAAC3Nza test@host"], read.Spec.SshKeys);
        Assert.Equal("edge-001-h01", read.Placement.HostId);
        Assert.Equal("overLatency", Assert.Single(read.Placement.Rejected).Reason);
        Assert.Equal("vm-1", (await store.FindByIdempotencyKeyAsync("web", "key-1", CancellationToken.None))?.Id);
        Assert.Equal(new ResourceTotals(2, 4096, 20, 1), (await store.GetProjectAsync("web", CancellationToken.None))!.Usage);
        Assert.Equal(new ResourceTotals(2, 4096, 20, 1), (await store.GetTenantAsync("acme", CancellationToken.None))!.Usage);
        Assert.Equal("resource.requested", Assert.Single(await store.GetEventsAsync("vm-1", CancellationToken.None)).Kind);
        Assert.Equal(1, await AuditCountAsync(test, "provisioning.resource.requested"));
        Assert.Single(await store.GetAllocationsAsync(CancellationToken.None));
        Assert.Single(await store.ClaimDueAsync("test", Now, Now.AddMinutes(5), 10, CancellationToken.None));
        Assert.Empty(await store.ClaimDueAsync("other", Now, Now.AddMinutes(5), 10, CancellationToken.None));
        Assert.Equal(1, await store.ReleaseClaimsAsync("test", Now, CancellationToken.None));
        Assert.Single(await store.ClaimDueAsync("other", Now, Now.AddMinutes(5), 10, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_sites_resources_are_read_without_the_deleted_and_an_event_appended_leaves_the_resource_as_it_was(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var (tenant, project) = await SeedAsync(store);
        var verifiedAt = Now.AddMinutes(3);
        var running = await CreateAsync(store, tenant, project, NewResource("vm-running"));
        running = await store.UpdateResourceAsync(
            running with { Status = ResourceStatus.Verified, Vm = new VirtualMachineRef("edge-001-h01", 104), VerifiedAt = verifiedAt }, null, null, null, CancellationToken.None);
        var gone = await CreateAsync(store, tenant, project, NewResource("vm-gone"));
        await store.UpdateResourceAsync(gone with { Status = ResourceStatus.Deleted, Desired = DesiredState.Absent, DeletedAt = Now }, null, null, null, CancellationToken.None);
        var elsewhere = NewResource("vm-elsewhere");
        await CreateAsync(store, tenant, project, elsewhere with { Placement = elsewhere.Placement with { SiteId = "edge-002" } });

        var onSite = await store.GetSiteResourcesAsync("edge-001", CancellationToken.None);
        var appended = await store.AppendEventAsync("vm-running", new NewResourceEvent("vm.vanished", "not in the inventory"),
            Audit("site.drift.vm-vanished", "resource:vm-running"), CancellationToken.None);
        var nowhere = await store.AppendEventAsync("vm-nobody", new NewResourceEvent("vm.vanished", "x"), Audit("site.drift.vm-vanished", "resource:vm-nobody"), CancellationToken.None);
        var progress = await store.AppendEventAsync("vm-running", new NewResourceEvent("agent.started", "no audit entry of its own"), null, CancellationToken.None);

        Assert.Equal(new SiteResource("vm-running", ResourceStatus.Verified, DesiredState.Present, "edge-001-h01", 104, verifiedAt), Assert.Single(onSite));
        Assert.True(appended);
        Assert.False(nowhere);
        Assert.True(progress);
        var events = await store.GetEventsAsync("vm-running", CancellationToken.None);
        Assert.Equal(("vm.vanished", ResourceStatus.Verified), (events[^2].Kind, events[^2].Status));
        Assert.Equal("agent.started", events[^1].Kind);
        Assert.Equal(running.Version, (await store.GetResourceAsync("vm-running", CancellationToken.None))!.Version);
        Assert.Equal(1, await AuditCountAsync(test, "site.drift.vm-vanished"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_failing_mutation_leaves_no_audit_entry(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var (tenant, project) = await SeedAsync(store);

        // A tenant id that is taken: the insert fails, and so does the audit entry written beside it.
        await Assert.ThrowsAsync<StoreConflictException>(() =>
            store.CreateTenantAsync(new Tenant("acme", "Again", Quota, default), Audit("tenancy.tenant.created", "tenant:acme"), CancellationToken.None));
        Assert.Equal(1, await AuditCountAsync(test, "tenancy.tenant.created"));

        // A stale version: the update loses, and no audit entry claims it happened.
        var created = await CreateAsync(store, tenant, project, NewResource("vm-2"));
        await store.UpdateResourceAsync(created with { Status = ResourceStatus.Placed }, new NewResourceEvent("chain.placed", "placed"),
            Audit("provisioning.resource.placed", "resource:vm-2"), null, CancellationToken.None);
        await Assert.ThrowsAsync<StoreConflictException>(() => store.UpdateResourceAsync(created with { Status = ResourceStatus.Failed },
            new NewResourceEvent("resource.failed", "x"), Audit("provisioning.resource.failed", "resource:vm-2"), null, CancellationToken.None));
        Assert.Equal(0, await AuditCountAsync(test, "provisioning.resource.failed"));
        Assert.Equal(ResourceStatus.Placed, (await store.GetResourceAsync("vm-2", CancellationToken.None))!.Status);
        Assert.Equal(2, (await store.GetEventsAsync("vm-2", CancellationToken.None)).Count);

        // The quota is full (4 VMs): the store itself refuses the fifth, nothing is stored and no audit entry claims it.
        for (var i = 3; i <= 5; i++)
        {
            await CreateAsync(store, tenant, project, NewResource("vm-" + i));
        }

        await Assert.ThrowsAsync<StoreConflictException>(() => store.CreateResourceAsync(NewResource("vm-6"),
            new NewResourceEvent("resource.requested", "r"), Audit("provisioning.resource.requested", "resource:vm-6"), CancellationToken.None));
        Assert.Null(await store.GetResourceAsync("vm-6", CancellationToken.None));
        Assert.Equal(4, await AuditCountAsync(test, "provisioning.resource.requested"));
        Assert.Equal(4, (await store.GetProjectAsync("web", CancellationToken.None))!.Usage.Vms);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Steps_stored_in_one_write_read_as_separate_steps_in_the_history_and_the_audit_log(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var (tenant, project) = await SeedAsync(store);
        var created = await CreateAsync(store, tenant, project, NewResource("vm-s"));

        // Placed and the VM id drawn, stored together: one version, two events each with the status it reached, two audit entries.
        var reserved = await store.UpdateResourceAsync(created with { Status = ResourceStatus.Provisioning, Vm = new VirtualMachineRef("pve1", 120) },
            [new NewResourceEvent("chain.placed", "placed") { Status = ResourceStatus.Placed }, new NewResourceEvent("vm.provisioning", "drawn")],
            [Audit("provisioning.resource.placed", "resource:vm-s"), Audit("provisioning.resource.provisioning", "resource:vm-s")], CancellationToken.None);
        Assert.Equal(1, reserved.Version);
        var read = (await store.GetResourceAsync("vm-s", CancellationToken.None))!;
        Assert.Equal(ResourceStatus.Provisioning, read.Status);
        Assert.Equal(new VirtualMachineRef("pve1", 120), read.Vm);
        Assert.Equal(1, read.Version);
        var events = await store.GetEventsAsync("vm-s", CancellationToken.None);
        Assert.Equal(
            [("resource.requested", ResourceStatus.Requested), ("chain.placed", ResourceStatus.Placed), ("vm.provisioning", ResourceStatus.Provisioning)],
            events.Select(e => (e.Kind, e.Status)));
        Assert.Equal(1, await AuditCountAsync(test, "provisioning.resource.placed"));
        Assert.Equal(1, await AuditCountAsync(test, "provisioning.resource.provisioning"));

        // A stale version: nothing of the group is stored, neither event nor audit entry.
        await Assert.ThrowsAsync<StoreConflictException>(() => store.UpdateResourceAsync(created with { Status = ResourceStatus.Verified },
            [new NewResourceEvent("chain.provisioned", "p") { Status = ResourceStatus.Provisioned }, new NewResourceEvent("chain.verified", "v")],
            [Audit("provisioning.resource.provisioned", "resource:vm-s"), Audit("provisioning.resource.verified", "resource:vm-s")], CancellationToken.None));
        Assert.Equal(3, (await store.GetEventsAsync("vm-s", CancellationToken.None)).Count);
        Assert.Equal(0, await AuditCountAsync(test, "provisioning.resource.provisioned"));
        Assert.Equal(ResourceStatus.Provisioning, (await store.GetResourceAsync("vm-s", CancellationToken.None))!.Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Concurrent_writes_each_get_their_own_outcome(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var (tenant, project) = await SeedAsync(store);

        // Twelve requests race for a quota of four VMs: exactly four are stored, and only their audit entries exist.
        var creations = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            try
            {
                return await store.CreateResourceAsync(NewResource("vm-r" + i), new NewResourceEvent("resource.requested", "r"),
                    Audit("provisioning.resource.requested", "resource:vm-r" + i), CancellationToken.None);
            }
            catch (StoreConflictException)
            {
                return null;
            }
        }));
        var stored = creations.OfType<Resource>().ToList();
        Assert.Equal(4, stored.Count);
        Assert.Equal(4, stored.Select(r => r.Sequence).Distinct().Count());
        Assert.Equal(4, await AuditCountAsync(test, "provisioning.resource.requested"));
        Assert.Equal(new ResourceTotals(8, 16384, 80, 4), (await store.GetTenantAsync("acme", CancellationToken.None))!.Usage);

        // Concurrent updates, one of them on a stale version: that one fails alone, every other commits with its event and entry.
        var stale = stored[0];
        await store.UpdateResourceAsync(stale with { Status = ResourceStatus.Placed }, null, null, null, CancellationToken.None);
        var updates = stored.Select(r => store.UpdateResourceAsync(r with { Status = ResourceStatus.Provisioning },
            new NewResourceEvent("vm.provisioning", "p"), Audit("provisioning.resource.provisioning", "resource:" + r.Id), null, CancellationToken.None)).ToList();
        await Assert.ThrowsAsync<StoreConflictException>(() => updates[0]);
        foreach (var update in updates.Skip(1))
        {
            var after = await update;
            Assert.Equal(1, after.Version);
            Assert.Equal(ResourceStatus.Provisioning, (await store.GetResourceAsync(after.Id, CancellationToken.None))!.Status);
        }

        Assert.Equal(3, await AuditCountAsync(test, "provisioning.resource.provisioning"));
        Assert.Equal(ResourceStatus.Placed, (await store.GetResourceAsync(stale.Id, CancellationToken.None))!.Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Servers_claiming_at_the_same_time_never_share_a_resource(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var roomy = new ResourceTotals(1000, 1 << 30, 1 << 30, 100);
        await store.CreateTenantAsync(new Tenant("acme", "Acme", roomy, default), Audit("tenancy.tenant.created", "tenant:acme"), CancellationToken.None);
        await store.CreateProjectAsync(new Project("web", "acme", "Web", roomy, default), Audit("tenancy.project.created", "project:web"), CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => store.CreateResourceAsync(NewResource("vm-c" + i),
            new NewResourceEvent("resource.requested", "r"), Audit("provisioning.resource.requested", "resource:vm-c" + i), CancellationToken.None)));

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(server =>
            store.ClaimDueAsync("server-" + server, Now, Now.AddMinutes(5), 40, CancellationToken.None)));
        var ids = claims.SelectMany(c => c.Select(r => r.Id)).ToList();
        Assert.Equal(40, ids.Count);
        Assert.Equal(40, ids.Distinct().Count());
        Assert.All(claims.SelectMany(c => c), r => Assert.Equal(Now.AddMinutes(5), r.NextAttemptAt));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Paging_through_every_order_yields_every_resource_once_in_order(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var (tenant, project) = await SeedAsync(store, new ResourceTotals(1000, 4_000_000, 100_000, 100));

        // Names, statuses and sites repeat, so pages end inside runs of equal keys and only the tie-break keeps them apart.
        var names = new[] { "db", "web-10", "Web", "api", "web-2", "db", "cache" };
        var statuses = Enum.GetValues<ResourceStatus>();
        for (var i = 0; i < 23; i++)
        {
            (tenant, project) = (await store.GetTenantAsync("acme", CancellationToken.None), await store.GetProjectAsync("web", CancellationToken.None))!;
            var resource = NewResource($"vm-s{i:00}");
            await CreateAsync(store, tenant!, project!, resource with
            {
                Name = names[i % names.Length], Status = statuses[i % statuses.Length], Placement = resource.Placement with { SiteId = $"edge-00{i % 3}" },
            });
        }

        var all = (await store.ListResourcesAsync(new ResourceQuery(Limit: 100), CancellationToken.None)).Items;
        Assert.Equal(23, all.Count);
        foreach (var sort in Enum.GetValues<ResourceSort>())
        {
            foreach (var descending in new[] { false, true })
            {
                Func<Resource, string> key = sort switch
                {
                    ResourceSort.Name => r => r.Name,
                    ResourceSort.Status => r => r.Status.ToString(),
                    ResourceSort.Site => r => r.Placement.SiteId,
                    _ => _ => string.Empty,
                };
                var ordered = all.OrderBy(key, StringComparer.Ordinal).ThenBy(r => r.Sequence).Select(r => r.Id).ToList();
                if (descending)
                {
                    ordered.Reverse();
                }

                var seen = new List<string>();
                ResourceCursor? after = null;
                do
                {
                    var page = await store.ListResourcesAsync(new ResourceQuery(Limit: 4, Sort: sort, Descending: descending, After: after), CancellationToken.None);
                    Assert.InRange(page.Items.Count, 1, 4);
                    seen.AddRange(page.Items.Select(r => r.Id));
                    after = page.Next is { } next ? (ResourceCursor.TryParse(next.ToString(), out var parsed) ? parsed : throw new InvalidOperationException(next.ToString())) : null;
                }
                while (after is not null);

                Assert.True(ordered.SequenceEqual(seen), $"{sort} {(descending ? "desc" : "asc")}: {string.Join(",", seen)}");
            }
        }

        // A cursor belongs to its order, and 'before' to the default one.
        var nameCursor = (await store.ListResourcesAsync(new ResourceQuery(Limit: 4, Sort: ResourceSort.Name, Descending: false), CancellationToken.None)).Next;
        await Assert.ThrowsAsync<ArgumentException>(() => store.ListResourcesAsync(new ResourceQuery(Sort: ResourceSort.Site, Descending: false, After: nameCursor), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ListResourcesAsync(new ResourceQuery(Before: 10, Sort: ResourceSort.Name), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Lists_page_newest_first_with_filters(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var (tenant, project) = await SeedAsync(store);
        for (var i = 0; i < 3; i++)
        {
            (tenant, project) = (await store.GetTenantAsync("acme", CancellationToken.None), await store.GetProjectAsync("web", CancellationToken.None))!;
            await CreateAsync(store, tenant!, project!, NewResource("vm-p" + i));
        }

        var first = await store.ListResourcesAsync(new ResourceQuery(ProjectId: "web", Limit: 2), CancellationToken.None);
        Assert.Equal(["vm-p2", "vm-p1"], first.Items.Select(r => r.Id));
        Assert.Equal(new ResourceCursor(ResourceSort.Created, true, null, first.NextBefore!.Value), first.Next);
        var second = await store.ListResourcesAsync(new ResourceQuery(ProjectId: "web", Before: first.NextBefore, Limit: 2), CancellationToken.None);
        Assert.Equal(["vm-p0"], second.Items.Select(r => r.Id));
        Assert.Null(second.NextBefore);
        Assert.Empty((await store.ListResourcesAsync(new ResourceQuery(Status: ResourceStatus.Verified), CancellationToken.None)).Items);
        Assert.Empty((await store.ListResourcesAsync(new ResourceQuery(SiteId: "edge-999"), CancellationToken.None)).Items);

        // The caller's visible tenants are part of the query: none of theirs, nothing; theirs, all.
        Assert.Empty((await store.ListResourcesAsync(new ResourceQuery(Tenants: ["other"]), CancellationToken.None)).Items);
        Assert.Empty((await store.ListResourcesAsync(new ResourceQuery(Tenants: []), CancellationToken.None)).Items);
        Assert.Equal(3, (await store.ListResourcesAsync(new ResourceQuery(Tenants: ["other", "acme"]), CancellationToken.None)).Items.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Usage_is_summed_per_hour_and_metered_only_once(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var (tenant, project) = await SeedAsync(store);
        var created = await CreateAsync(store, tenant, project, NewResource("vm-5"));
        var verified = await store.UpdateResourceAsync(created with { Status = ResourceStatus.Verified, VerifiedAt = Now, MeteredUntil = Now },
            new NewResourceEvent("chain.verified", "v"), null, null, CancellationToken.None);

        var (records, until) = UsageMeter.Meter(verified, Now.AddMinutes(60));
        Assert.Equal(2, records.Count);
        await store.RecordUsageAsync("vm-5", records, verified.MeteredUntil, until, CancellationToken.None);
        await store.RecordUsageAsync("vm-5", records, verified.MeteredUntil, until, CancellationToken.None); // a repeat records nothing
        var later = (await store.GetResourceAsync("vm-5", CancellationToken.None))!;
        var (more, end) = UsageMeter.Meter(later, Now.AddMinutes(90));
        await store.RecordUsageAsync("vm-5", more, later.MeteredUntil, end, CancellationToken.None);

        var usage = await store.GetUsageAsync("vm-5", CancellationToken.None);
        Assert.Equal([Now.AddMinutes(-30), Now.AddMinutes(30)], usage.Select(u => u.HourStart));
        Assert.Equal(1.0, usage[0].VCpuHours, 6);         // 30 min × 2 vCPU
        Assert.Equal(2.0, usage[1].VCpuHours, 6);         // two rounds of 30 min summed × 2 vCPU
        Assert.Equal(4.0, usage[1].RamGbHours, 6);        // 4 GiB × 1 h
        Assert.Equal(20.0, usage[1].DiskGbHours, 6);      // 20 GiB × 1 h
        Assert.Equal((3600L, 2 * 3600L, 4096L * 3600, 20L * 3600), (usage[1].Seconds, usage[1].VCpuSeconds, usage[1].RamMiBSeconds, usage[1].DiskGiBSeconds)); // whole unit-seconds
        Assert.Equal(Now.AddMinutes(90), (await store.GetResourceAsync("vm-5", CancellationToken.None))!.MeteredUntil);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_resize_meters_the_old_size_changes_the_spec_and_the_quotas_in_one_transaction_only_from_the_mark_it_read(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var (tenant, project) = await SeedAsync(store);
        var created = await CreateAsync(store, tenant, project, NewResource("vm-z"));
        var verified = await store.UpdateResourceAsync(created with { Status = ResourceStatus.Verified, VerifiedAt = Now, MeteredUntil = Now },
            new NewResourceEvent("chain.verified", "v"), null, null, CancellationToken.None);
        // Metering moved on to 11:00 (30 min at the old size), then the resize at 11:15 meters the 15 minutes after it.
        var (first, firstUntil) = UsageMeter.Meter(verified, Now.AddMinutes(30));
        await store.RecordUsageAsync("vm-z", first, verified.MeteredUntil, firstUntil, CancellationToken.None);
        var read = (await store.GetResourceAsync("vm-z", CancellationToken.None))!;
        var spec = read.Spec with { VCpu = 6, RamMiB = 2048, DiskGiB = 40 };
        var (usage, until) = UsageMeter.Meter(read, Now.AddMinutes(45));
        var resized = read with { Spec = spec, SpecHash = spec.Hash(), Status = ResourceStatus.Resizing, MeteredUntil = until };
        var change = new ResourceTotals(4, -2048, 20, 0);

        // Computed from a mark that moved (a metering round in between) or an old version: refused, nothing written.
        await Assert.ThrowsAsync<StoreConflictException>(() => store.ResizeResourceAsync(resized, usage, verified.MeteredUntil, change,
            new NewResourceEvent("resource.resize-requested", "r"), Audit("provisioning.resource.resize-requested", "resource:vm-z"), CancellationToken.None));
        await Assert.ThrowsAsync<StoreConflictException>(() => store.ResizeResourceAsync(resized with { Version = read.Version - 1 }, usage, read.MeteredUntil, change,
            new NewResourceEvent("resource.resize-requested", "r"), Audit("provisioning.resource.resize-requested", "resource:vm-z"), CancellationToken.None));
        // More than the quota allows (16 vCPU): refused too.
        await Assert.ThrowsAsync<StoreConflictException>(() => store.ResizeResourceAsync(resized, usage, read.MeteredUntil, change with { VCpu = 15 },
            new NewResourceEvent("resource.resize-requested", "r"), Audit("provisioning.resource.resize-requested", "resource:vm-z"), CancellationToken.None));
        var stored = await store.ResizeResourceAsync(resized, usage, read.MeteredUntil, change,
            new NewResourceEvent("resource.resize-requested", "r"), Audit("provisioning.resource.resize-requested", "resource:vm-z"), CancellationToken.None);
        // The metering worker's round computed before the resize, at the old size, records nothing now.
        await store.RecordUsageAsync("vm-z", usage, read.MeteredUntil, until, CancellationToken.None);

        var back = (await store.GetResourceAsync("vm-z", CancellationToken.None))!;
        Assert.Equal((ResourceStatus.Resizing, spec, Now.AddMinutes(45), read.Version + 1), (back.Status, back.Spec with { SshKeys = spec.SshKeys }, back.MeteredUntil, back.Version));
        Assert.Equal(spec.Hash(), back.SpecHash);
        Assert.Equal(stored.Version, back.Version);
        var hours = await store.GetUsageAsync("vm-z", CancellationToken.None);
        Assert.Equal([Now.AddMinutes(-30), Now.AddMinutes(30)], hours.Select(u => u.HourStart));
        Assert.Equal(0.5, hours[1].VCpuHours, 6);   // 15 min × 2 vCPU, once
        Assert.Equal((900L, 1_800L), (hours[1].Seconds, hours[1].VCpuSeconds));
        var usedBy = (await store.GetProjectAsync("web", CancellationToken.None))!.Usage;
        Assert.Equal(new ResourceTotals(6, 2048, 40, 1), usedBy);
        Assert.Equal(usedBy, (await store.GetTenantAsync("acme", CancellationToken.None))!.Usage);
        Assert.Contains(await store.GetAllocationsAsync(CancellationToken.None), a => a.ResourceId == "vm-z" && a.Size == spec.Size);
        Assert.Contains(await store.GetEventsAsync("vm-z", CancellationToken.None), e => e.Kind == "resource.resize-requested" && e.Status == ResourceStatus.Resizing);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Each_complete_hour_of_usage_is_sealed_once_into_the_audit_log_and_an_open_hour_waits(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var (tenant, project) = await SeedAsync(store);
        IReadOnlyList<UsageRecord> records = [];
        foreach (var id in new[] { "vm-t", "vm-s" })
        {
            var created = await CreateAsync(store, tenant, project, NewResource(id));
            var verified = await store.UpdateResourceAsync(created with { Status = ResourceStatus.Verified, VerifiedAt = Now, MeteredUntil = Now },
                new NewResourceEvent("chain.verified", "v"), null, null, CancellationToken.None);
            (records, var until) = UsageMeter.Meter(verified, Now.AddMinutes(100)); // 10:30–11:00, 11:00–12:00, 12:00–12:10
            await store.RecordUsageAsync(id, records, verified.MeteredUntil, until, CancellationToken.None);
        }

        Assert.Equal(4, await store.SealCompletedHoursAsync(100, CancellationToken.None)); // 12:00's hour is still open
        Assert.Equal(0, await store.SealCompletedHoursAsync(100, CancellationToken.None)); // once

        // One entry per tenant-hour holding both resources, in id order.
        var seals = (await test.Audit.ListEntriesAsync(new Core.Audit.AuditQuery(Action: UsageSeal.Action, Subject: "tenant:acme"), CancellationToken.None)).Items;
        Assert.Equal(
            [UsageSeal.Payload([records[1], records[1] with { ResourceId = "vm-t" }]), UsageSeal.Payload([records[0], records[0] with { ResourceId = "vm-t" }])],
            seals.Select(e => e.Payload)); // newest first
        Assert.Equal(
            """{"tenantId":"acme","hourStart":1772362800,"resources":[["vm-s","web",3600,7200,14745600,72000],["vm-t","web",3600,7200,14745600,72000]]}""",
            seals[0].Payload);

        // Deleted at 12:20:00.700 and metered up to 12:20:00 (whole seconds): that hour is complete too, and the
        // resource is not metered again.
        var later = (await store.GetResourceAsync("vm-s", CancellationToken.None))!;
        var deleted = await store.UpdateResourceAsync(later with { DeletedAt = Now.AddMinutes(110).AddMilliseconds(700) }, new NewResourceEvent("deleted", "d"), null, null, CancellationToken.None);
        var (last, end) = UsageMeter.Meter(deleted, Now.AddMinutes(200));
        await store.RecordUsageAsync("vm-s", last, deleted.MeteredUntil, end, CancellationToken.None);
        Assert.DoesNotContain(await store.GetUnmeteredAsync(Now.AddMinutes(300), 500, CancellationToken.None), r => r.Id == "vm-s");
        Assert.Equal(1, await store.SealCompletedHoursAsync(100, CancellationToken.None));
        var sealedLast = (await test.Audit.ListEntriesAsync(new Core.Audit.AuditQuery(Action: UsageSeal.Action, Subject: "tenant:acme", Limit: 1), CancellationToken.None)).Items[0];
        Assert.Equal([("vm-s", 1200L)], UsageSeal.Parse(sealedLast.Payload)!.Select(u => (u.ResourceId, u.Seconds)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_tenants_usage_is_summed_per_resource_over_the_period_with_its_site_and_how_much_is_sealed(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var (tenant, project) = await SeedAsync(store);
        foreach (var id in new[] { "vm-t1", "vm-t2" })
        {
            (tenant, project) = (await store.GetTenantAsync("acme", CancellationToken.None), await store.GetProjectAsync("web", CancellationToken.None))!;
            await CreateAsync(store, tenant!, project!, NewResource(id));
        }

        var hour = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        UsageRecord Used(string id, int h, long seconds) => new(id, "acme", "web", hour.AddHours(h), seconds, 2 * seconds, 4096 * seconds, 20 * seconds);
        await store.RecordUsageAsync("vm-t1", [Used("vm-t1", 0, 3600), Used("vm-t1", 1, 3600), Used("vm-t1", 5, 3600)], null, hour.AddHours(6), CancellationToken.None);
        await store.RecordUsageAsync("vm-t2", [Used("vm-t2", 1, 1800)], null, hour.AddHours(2), CancellationToken.None);

        var usage = await store.GetTenantUsageAsync("acme", hour, hour.AddHours(5), CancellationToken.None); // hour 5 is outside

        Assert.Equal(["vm-t1", "vm-t2"], usage.Select(u => u.ResourceId));
        Assert.Equal((7200L, 14_400L, 4096L * 7200, 20L * 7200, 2), (usage[0].Seconds, usage[0].VCpuSeconds, usage[0].RamMiBSeconds, usage[0].DiskGiBSeconds, usage[0].Hours));
        Assert.Equal(("web", 1800L), (usage[1].ProjectId, usage[1].Seconds));
        Assert.Equal(NewResource("vm-t1").Placement.SiteId, usage[0].SiteId);
        Assert.Empty(await store.GetTenantUsageAsync("globex", hour, hour.AddHours(5), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Usage_recorded_in_unit_hours_before_the_change_reads_back_in_whole_unit_seconds(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider, start: false);
        await using (var db = test.CreateContext())
        {
            var migrator = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
            await migrator.MigrateAsync("SiteKeyRotation"); // the schema before usage in unit-seconds
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO resource_usage (resource_id, hour_start_ms, tenant_id, project_id, seconds, vcpu_hours, ram_gb_hours, disk_gb_hours) "
                + "VALUES ('vm-old', 1798761600000, 'acme', 'web', 2700.4, 1.5, 3.0, 30.0)");
            await migrator.MigrateAsync();
        }

        var usage = Assert.Single(await test.Provisioning.GetUsageAsync("vm-old", CancellationToken.None));

        // 2 vCPU for 45 min = 1.5 vCPU-hours = 5,400 vCPU-seconds; 3 GiB-hours = 11,059,200 MiB-seconds; 30 GiB-hours = 108,000.
        Assert.Equal((2700L, 5_400L, 11_059_200L, 108_000L), (usage.Seconds, usage.VCpuSeconds, usage.RamMiBSeconds, usage.DiskGiBSeconds));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_project_s_usage_is_summed_per_hour_over_its_resources_within_the_range(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Provisioning;
        var (tenant, project) = await SeedAsync(store);
        var other = new Project("api", "acme", "API", Quota, default);
        await store.CreateProjectAsync(other, Audit("tenancy.project.created", "project:api"), CancellationToken.None);
        foreach (var (id, projectId) in new[] { ("vm-u1", "web"), ("vm-u2", "web"), ("vm-u3", "api") })
        {
            (tenant, project) = (await store.GetTenantAsync("acme", CancellationToken.None), await store.GetProjectAsync(projectId, CancellationToken.None))!;
            await CreateAsync(store, tenant!, project!, NewResource(id) with { ProjectId = projectId });
        }

        var hour = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        UsageRecord Used(string id, string projectId, int h, double vcpuHours) =>
            new(id, "acme", projectId, hour.AddHours(h), (long)(3600 * vcpuHours / 2), (long)(3600 * vcpuHours), (long)(3600 * 1024 * vcpuHours * 2), (long)(3600 * vcpuHours * 10));
        await store.RecordUsageAsync("vm-u1", [Used("vm-u1", "web", 0, 2), Used("vm-u1", "web", 1, 2), Used("vm-u1", "web", 2, 2)], null, hour.AddHours(3), CancellationToken.None);
        await store.RecordUsageAsync("vm-u2", [Used("vm-u2", "web", 1, 1), Used("vm-u2", "web", 2, 0.5)], null, hour.AddHours(3), CancellationToken.None);
        await store.RecordUsageAsync("vm-u3", [Used("vm-u3", "api", 1, 8)], null, hour.AddHours(2), CancellationToken.None);

        // Hours 1 and 2 of web only: the first hour is before the range, api's usage is another project's.
        var usage = await store.GetProjectUsageAsync("acme", "web", hour.AddHours(1), hour.AddHours(3), CancellationToken.None);
        Assert.Equal([hour.AddHours(1), hour.AddHours(2)], usage.Select(u => u.HourStart));
        Assert.Equal([2, 2], usage.Select(u => u.Resources));
        Assert.Equal([3.0, 2.5], usage.Select(u => u.VCpuHours));
        Assert.Equal([6.0, 5.0], usage.Select(u => u.RamGbHours));
        Assert.Equal([30.0, 25.0], usage.Select(u => u.DiskGbHours));
        Assert.Equal(3600 * 1.5, usage[0].Seconds, 6);
        Assert.Empty(await store.GetProjectUsageAsync("other", "web", hour, hour.AddHours(3), CancellationToken.None));
    }
}
