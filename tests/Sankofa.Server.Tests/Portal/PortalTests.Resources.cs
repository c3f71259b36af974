using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sankofa.Core.Audit;
using Sankofa.Core.Provisioning;
using static Microsoft.Playwright.Assertions;

namespace Sankofa.Server.Tests.Portal;

/// <summary>The resource list ordered by the store across pages.</summary>
public sealed partial class PortalTests
{
    [Fact]
    public async Task Sorting_the_resource_list_by_name_orders_every_page_not_just_the_one_shown()
    {
        // More resources than one page holds, stored newest-first in an order unlike their names' (failed ones: no VM to make).
        var project = await SortedProjectAsync(30);
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.Administrator);
        await page.GotoAsync("resources?project=" + project);
        var names = page.Locator("[data-testid=resources] tbody tr td:first-child");
        await Expect(names).ToHaveCountAsync(25);

        await page.GetByRole(AriaRole.Button, new() { Name = "Name", Exact = true }).ClickAsync();
        await Expect(page.Locator("th[aria-sort=ascending]")).ToHaveTextAsync("Name");
        await Expect(names).ToHaveTextAsync([.. Enumerable.Range(0, 25).Select(i => $"sorted-{i:00}")]);
        await session.CheckAsync("resources-by-name");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(names).ToHaveTextAsync([.. Enumerable.Range(25, 5).Select(i => $"sorted-{i:00}")]);

        // Clicked again: the other way round, from the first page.
        await page.GetByRole(AriaRole.Button, new() { Name = "Name", Exact = true }).ClickAsync();
        await Expect(page.Locator("th[aria-sort=descending]")).ToHaveTextAsync("Name");
        await Expect(names).ToHaveTextAsync([.. Enumerable.Range(5, 25).Reverse().Select(i => $"sorted-{i:00}")]);
        await session.CheckAsync("resources-by-name-descending");
    }

    /// <summary>A new project (in a tenant of its own, with room) holding <paramref name="count"/> failed resources named sorted-00…, stored in a shuffled order.</summary>
    private async Task<string> SortedProjectAsync(int count)
    {
        var tenant = "ps-" + Guid.NewGuid().ToString("N")[..6];
        var project = tenant + "-list";
        var quota = new { vcpu = 1000, ramMiB = 4_000_000, diskGiB = 100_000, vms = 100 };
        using (var created = await fixture.Harness.Client.PostAsJsonAsync("api/v1/tenants", new { id = tenant, name = "Sorting " + tenant, quota }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var created = await fixture.Harness.Client.PostAsJsonAsync($"api/v1/tenants/{tenant}/projects", new { id = project, name = "List " + tenant, quota }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var store = fixture.Harness.Server.Services.GetRequiredService<IResourceStore>();
        var spec = new ResourceSpec(1, 1024, 10, "debian-12-cloud", ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKq0 ops@example"], "ops");
        var placement = new PlacementExplanation("edge-001", "edge-001", "edge", "BE", "edge-001-h01", null, null, 1, "seeded for sorting", null, null, []);
        var now = DateTimeOffset.UtcNow;
        foreach (var i in Enumerable.Range(0, count).OrderBy(i => (i * 7) % count))
        {
            var id = $"vm-{tenant}-{i:00}";
            var resource = new Resource(id, 0, tenant, project, $"sorted-{i:00}", spec, spec.Hash(), DesiredState.Present, ResourceStatus.Failed, "seeded",
                placement, null, 0, now, now, now, null, null, null, null, 0);
            await store.CreateResourceAsync(resource, new NewResourceEvent("resource.requested", "seeded"),
                new AuditEvent("portal-test", "provisioning.resource.requested", "resource:" + id, "{}"), CancellationToken.None);
        }

        return project;
    }
}
