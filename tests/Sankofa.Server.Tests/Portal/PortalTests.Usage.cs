using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Tests.Provisioning;
using static Microsoft.Playwright.Assertions;

namespace Sankofa.Server.Tests.Portal;

/// <summary>The Usage page charts what metering recorded.</summary>
public sealed partial class PortalTests
{
    [Fact]
    public async Task The_usage_page_charts_the_hours_metered_for_a_project_s_verified_vm()
    {
        // A VM that reached Verified, metered as if it had been Verified three hours ago (the meter's own arithmetic, from
        // then to now, into the store as the server's metering writes it): three or four hours of real amounts.
        var project = await fixture.Harness.NewProjectAsync();
        var vm = await fixture.Harness.CreateAsync(ProvisioningHarness.Vm(project, "edge-002", "metered", vcpu: 2));
        await fixture.Harness.WaitForAsync(vm.Id, ResourceStatus.Verified);
        var store = fixture.Harness.Server.Services.GetRequiredService<IUsageStore>();
        var resources = fixture.Harness.Server.Services.GetRequiredService<IResourceStore>();
        for (var recorded = false; !recorded;)
        {
            // Recorded only from the mark as read: the server's own metering may move it in between, then read again.
            var verified = (await resources.GetResourceAsync(vm.Id, CancellationToken.None))!;
            var (records, until) = UsageMeter.Meter(verified with { VerifiedAt = verified.VerifiedAt!.Value.AddHours(-3), MeteredUntil = null }, DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            await store.RecordUsageAsync(vm.Id, records, verified.MeteredUntil, until, CancellationToken.None);
            recorded = (await resources.GetResourceAsync(vm.Id, CancellationToken.None))!.MeteredUntil == until;
        }

        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.Administrator);
        await page.GetByRole(AriaRole.Link, new() { Name = "Usage" }).ClickAsync();
        await page.GetByLabel("Project").First.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { NameRegex = new Regex(Regex.Escape($"({project})")) }).ClickAsync();

        // A full hour in the middle: one resource, 2 vCPU-hours, 2 GB-RAM-hours, 20 GB-disk-hours.
        var hours = page.Locator("[data-testid=usage-table] tbody tr");
        await Expect(hours.Nth(2)).ToBeVisibleAsync();
        await Expect(hours.Nth(1).Locator("td")).ToHaveTextAsync([new Regex(@"^\d{4}-\d\d-\d\d \d\d:00$"), new Regex("^1$"), new Regex("^2$"), new Regex("^2$"), new Regex("^20$")]);

        // One bar per series and hour; those of the two full hours at least drawn a pixel high (a bar is a vertical line
        // "M x y0 L x y1" with a wide stroke; the partial hours at either end may be only seconds long).
        var bars = page.Locator("[data-testid=usage-chart] path.mud-chart-bar");
        await Expect(bars).ToHaveCountAsync(3 * await hours.CountAsync());
        var drawn = await bars.EvaluateAllAsync<int>(
            "paths => paths.filter(p => { const n = p.getAttribute('d').match(/-?[\\d.]+/g).map(Number); return Math.abs(n[1] - n[3]) >= 1; }).length");
        Assert.InRange(drawn, 6, await bars.CountAsync());
        await session.CheckAsync("usage-chart");
    }
}
