using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Sankofa.Server.Tests.Portal;

/// <summary>Control evidence in the portal: a period refused naming its field, a run made, its package and report downloaded.</summary>
public sealed partial class PortalTests
{
    [Fact]
    public async Task An_administrator_runs_control_evidence_for_a_period_and_downloads_its_package_and_report()
    {
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.Administrator);
        await page.GetByRole(AriaRole.Link, new() { Name = "Evidence runs" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Evidence runs" })).ToBeVisibleAsync();

        // The service's refusal under the field it names.
        await page.GetByLabel("From (UTC)").FillAsync("2020-02-01T00:00:00Z");
        await page.GetByLabel("To (UTC, excluded)").FillAsync("2020-01-01T00:00:00Z");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        await Expect(page.Locator("[data-testid=evidence-form]")).ToContainTextAsync("Must be later than 'from'.");

        // A past month: the run is made and listed, two controls manual (no automated evidence of backups).
        await page.GetByLabel("From (UTC)").FillAsync("2020-01-01T00:00:00Z");
        await page.GetByLabel("To (UTC, excluded)").FillAsync("2020-02-01T00:00:00Z");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        await Expect(page.Locator("[data-testid=started]")).ToContainTextAsync("made");
        var row = page.Locator("[data-testid=evidence-run-row]").First;
        await Expect(row).ToContainTextAsync("2020-01-01T00:00:00Z");
        await Expect(row.Locator("[data-testid=evidence-summary]")).ToContainTextAsync("2 manual");
        await session.CheckAsync("evidence-runs");

        // Both files through the portal's session (no API token in the browser).
        var report = await page.RunAndWaitForDownloadAsync(() => row.Locator("[data-testid=evidence-pdf]").ClickAsync());
        Assert.Equal("%PDF"u8.ToArray(), (await File.ReadAllBytesAsync((await report.PathAsync())!))[..4]);
        var package = await page.RunAndWaitForDownloadAsync(() => row.Locator("[data-testid=evidence-json]").ClickAsync());
        Assert.StartsWith("{\"format\":\"sankofa.control-evidence/1\",", await File.ReadAllTextAsync((await package.PathAsync())!), StringComparison.Ordinal);
    }
}
