using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Monitoring;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;

namespace Sankofa.Data.Tests.Monitoring;

/// <summary>The counts behind the server's gauges, against real SQLite and PostgreSQL.</summary>
public sealed class FleetCountsStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 10, 30, 0, TimeSpan.Zero);

    public static TheoryData<string> Providers => TestStore.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Resources_are_counted_by_status_and_site_due_work_and_pending_identity_steps_apart(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var edges = SiteCatalog.Default.Sites.Where(s => s.Tier == SiteTier.Edge).Take(2).ToList();
        await TenancyAsync(test);
        await CreateAsync(test, "vm-due", edges[0], ResourceStatus.Requested, Now.AddMinutes(-5));
        await CreateAsync(test, "vm-due-later", edges[0], ResourceStatus.Requested, Now.AddMinutes(-1));
        await CreateAsync(test, "vm-waiting", edges[0], ResourceStatus.Provisioning, Now.AddMinutes(5));
        await CreateAsync(test, "vm-done", edges[1], ResourceStatus.Verified, Now.AddMinutes(-10));
        await test.Accounts.CreateAsync(
            new StoredAccount("usr-1", AccountKind.User, "alice", "hash", false, IdentityStatus.Active, "0x" + new string('1', 40), SubjectHashing.NewSalt(), [], Now, Now, 0, AccountChainState.New),
            [new ChainStep(ChainAction.Register), new ChainStep(ChainAction.GrantRole, Roles.Viewer)], new AuditEvent("t", "identity.account.created", "identity:usr-1", "{}"), CancellationToken.None);

        var counts = await test.FleetCounts.CountAsync(Now, CancellationToken.None);

        Assert.Equal(
            [(ResourceStatus.Requested, edges[0].Id, 2L), (ResourceStatus.Provisioning, edges[0].Id, 1L), (ResourceStatus.Verified, edges[1].Id, 1L)],
            counts.Resources.Select(c => (c.Status, c.SiteId, c.Count)).OrderBy(c => c.Status).ThenBy(c => c.SiteId));
        Assert.Equal(2, counts.DueResources); // the settled one and the one not yet due are not
        Assert.Equal(Now.AddMinutes(-5), counts.OldestDueSince);
        Assert.Equal(2, counts.PendingIdentitySteps);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_empty_store_counts_nothing(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);

        var counts = await test.FleetCounts.CountAsync(Now, CancellationToken.None);

        Assert.Empty(counts.Resources);
        Assert.Equal(0, counts.DueResources);
        Assert.Null(counts.OldestDueSince);
        Assert.Equal(0, counts.PendingIdentitySteps);
    }

    private static async Task TenancyAsync(TestStore test)
    {
        var quota = new ResourceTotals(1000, 1 << 30, 1 << 30, 100);
        await test.Provisioning.CreateTenantAsync(new Tenant("acme", "Acme", quota, default), new AuditEvent("t", "tenancy.tenant.created", "tenant:acme", "{}"), CancellationToken.None);
        await test.Provisioning.CreateProjectAsync(new Project("web", "acme", "Web", quota, default), new AuditEvent("t", "tenancy.project.created", "project:web", "{}"), CancellationToken.None);
    }

    private static async Task CreateAsync(TestStore test, string id, Site site, ResourceStatus status, DateTimeOffset nextAttemptAt)
    {
        var host = site.Hosts[0];
        var spec = new ResourceSpec(1, 512, 5, "debian-12-cloud", [], null);
        var placement = new PlacementExplanation(site.Id, site.Name, "edge", site.Jurisdiction, host.Id, 1, 1, 1, "test", null, null, []);
        await test.Provisioning.CreateResourceAsync(
            new Resource(id, 0, "acme", "web", id, spec, spec.Hash(), DesiredState.Present, status, null, placement, null, 0, nextAttemptAt, Now, Now, null, null, null, null, 0),
            new NewResourceEvent("resource.requested", "r"), new AuditEvent("t", "provisioning.resource.requested", "resource:" + id, "{}"), CancellationToken.None);
    }
}
