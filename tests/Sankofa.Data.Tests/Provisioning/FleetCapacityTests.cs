using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Audit;
using Sankofa.Core.Placement;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;

namespace Sankofa.Data.Tests.Provisioning;

/// <summary>Placement's in-memory view of the fleet against the real store: reservations, releases and reloads.</summary>
public sealed class FleetCapacityTests
{
    private static readonly SiteCatalog Catalog = SiteCatalog.Default;

    [Fact]
    public async Task Reservations_count_at_once_survive_a_reload_until_stored_and_releases_give_capacity_back()
    {
        await using var test = await TestStore.CreateAsync("sqlite");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new ProvisioningOptions { CapacityRefreshInterval = TimeSpan.FromSeconds(10) };
        var capacity = new FleetCapacity(test.Provisioning, Catalog, options, time);
        var host = Catalog.Sites.First(s => s.Tier == SiteTier.Edge).Hosts[0];

        // A reservation not yet in the store: the next decision sees it, and so does the state after a reload.
        var whole = new ComputeResources(host.Capacity.VCpu, 1024, 10);
        await capacity.DecideAsync(_ => (0, new HostAllocation("vm-a", host.Id, whole, null, "acme")), CancellationToken.None);
        Assert.Equal(whole, await AllocatedAsync(capacity, host.Id));
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(whole, await AllocatedAsync(capacity, host.Id));

        // Stored: a reload reads it from the store, once (a resource the store holds is not counted twice).
        await StoreAsync(test, "vm-a", host.Id, whole);
        capacity.Stored("vm-a");
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(whole, await AllocatedAsync(capacity, host.Id));

        // Released (a rollback or a deletion): free at once, without waiting for a reload.
        capacity.Release(new HostAllocation("vm-a", host.Id, whole, null, "acme"));
        Assert.Equal(ComputeResources.Zero, await AllocatedAsync(capacity, host.Id));
    }

    private static Task<ComputeResources> AllocatedAsync(FleetCapacity capacity, string hostId) =>
        capacity.DecideAsync(state => (state.GetAllocated(hostId), (HostAllocation?)null), CancellationToken.None);

    private static async Task StoreAsync(TestStore test, string id, string hostId, ComputeResources size)
    {
        var quota = new ResourceTotals(1000, 1 << 30, 1 << 30, 100);
        await test.Provisioning.CreateTenantAsync(new Tenant("acme", "Acme", quota, default), new AuditEvent("t", "tenancy.tenant.created", "tenant:acme", "{}"), CancellationToken.None);
        await test.Provisioning.CreateProjectAsync(new Project("web", "acme", "Web", quota, default), new AuditEvent("t", "tenancy.project.created", "project:web", "{}"), CancellationToken.None);
        var site = Catalog.Sites.First(s => s.Hosts.Any(h => h.Id == hostId));
        var spec = new ResourceSpec(size.VCpu, size.RamMiB, size.DiskGiB, "debian-12-cloud", [], null);
        var placement = new PlacementExplanation(site.Id, site.Name, "edge", site.Jurisdiction, hostId, 1, 1, 1, "test", null, null, []);
        var now = DateTimeOffset.UtcNow;
        await test.Provisioning.CreateResourceAsync(
            new Resource(id, 0, "acme", "web", "a", spec, spec.Hash(), DesiredState.Present, ResourceStatus.Requested, null, placement, null, 0, now, now, now, null, null, null, null, 0),
            new NewResourceEvent("resource.requested", "r"), new AuditEvent("t", "provisioning.resource.requested", "resource:" + id, "{}"), CancellationToken.None);
    }
}
