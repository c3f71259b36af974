using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Tests.Hardware;
using Sankofa.Server.Tests.Provisioning;
using static Microsoft.Playwright.Assertions;

namespace Sankofa.Server.Tests.Portal;

/// <summary>Hardware provenance and compliance in the portal: assets, their custody timeline, a VM's provenance, residency and retention.</summary>
public sealed partial class PortalTests
{
    [Fact]
    public async Task An_auditor_of_hardware_follows_a_vm_s_host_to_its_server_components_and_custody_sees_the_failed_inspection_and_the_tenant_s_residency()
    {
        // A VM first, so the hardware is registered for the host it was placed on; a second VM's host has no hardware.
        var project = await fixture.Harness.NewProjectAsync();
        var vm = await fixture.Harness.CreateAsync(ProvisioningHarness.Vm(project, "edge-003", "prov-1"));
        var host = vm.Placement.HostId;
        var bare = await fixture.Harness.CreateAsync(ProvisioningHarness.Vm(project, "edge-002", "prov-2"));

        // The parties are identities with their own controller keys, which the API generated and this fixture keeps
        // for each party's own signatures (CustodyParties): a supplier, a carrier installing at the site, an inspector.
        var custody = new CustodyParties(fixture.Harness.Client, fixture.Harness.Server.Address);
        var supplier = await custody.PartyAsync("supplier");
        var carrier = await custody.PartyAsync("carrier");
        var inspector = await custody.PartyAsync("inspector");
        var run = Guid.NewGuid().ToString("N")[..6];
        var (server, disk) = ($"srv-{run}", $"disk-{run}");
        await custody.CreateAsync(new { id = server, kind = "server", manufacturer = "Acme", model = "R750", serial = "SN-" + run, firmware = new[] { new { component = "bios", version = "2.1" } }, hostId = host });
        await custody.CreateAsync(new { id = disk, kind = "disk", manufacturer = "Acme", model = "PM9A3", serial = "SND-" + run, serverId = server });
        var packingList = "packing list: 1 x R750, 1 x PM9A3 " + run;
        var packingHash = await custody.UploadAsync(packingList);
        foreach (var asset in new[] { server, disk })
        {
            await custody.SubmitAsync(asset, new { kind = "registration", documentHash = CustodyParties.Doc("invoice " + asset), party = supplier.Id }, supplier);
            await custody.SubmitAsync(asset, new { kind = "transfer", documentHash = packingHash, to = carrier.Id }, supplier, carrier);
            await custody.SubmitAsync(asset, new { kind = "installation", documentHash = CustodyParties.Doc("rack photo " + asset), hostId = host }, carrier);
        }

        await custody.SubmitAsync(server, new { kind = "inspection", documentHash = CustodyParties.Doc("firmware measured " + server), party = inspector.Id, passed = true }, inspector);
        await custody.SubmitAsync(disk, new { kind = "inspection", documentHash = CustodyParties.Doc("disk firmware mismatch " + disk), party = inspector.Id, passed = false }, inspector);
        await fixture.Harness.WaitForAsync(vm.Id, ResourceStatus.Verified);

        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.Administrator);

        // The list, narrowed to the VM's host: the server is whole, the disk's failed inspection is flagged.
        await page.GetByRole(AriaRole.Link, new() { Name = "Assets" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hardware assets" })).ToBeVisibleAsync();
        await page.GetByLabel("Host").FillAsync(host);
        await page.GetByLabel("Host").BlurAsync();
        var rows = page.Locator("[data-testid=assets] tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Filter(new() { HasText = server })).ToContainTextAsync("whole, 4 events");
        await Expect(rows.Filter(new() { HasText = disk })).ToContainTextAsync("gap: failed-inspection");
        await session.CheckAsync("assets");
        await page.GetByLabel("Host").FillAsync("no-such-host");
        await page.GetByLabel("Host").BlurAsync();
        await Expect(page.GetByText("There is no host 'no-such-host' in the catalog.")).ToBeVisibleAsync();

        // The server's page: its component, the timeline with parties, documents and chain records, checked on chain.
        await page.GotoAsync("assets/" + server);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = server })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=custody-status]")).ToHaveTextAsync("custody whole");
        await Expect(page.Locator("[data-testid=custodian]")).ToHaveTextAsync(carrier.Id);
        await Expect(page.Locator("[data-testid=components]")).ToContainTextAsync(disk);
        await Expect(page.Locator("[data-testid=components]")).ToContainTextAsync("gap: failed-inspection");
        var timeline = page.Locator("[data-testid=custody-timeline] tbody tr");
        await Expect(timeline).ToHaveCountAsync(4);
        await Expect(timeline.Nth(1)).ToContainTextAsync($"{supplier.Id} → {carrier.Id} (both signed)");
        await Expect(timeline.Nth(2)).ToContainTextAsync($"installation at {host} (edge-003)");
        await Expect(timeline.Nth(1)).ToContainTextAsync(new Regex(@"0x[0-9a-f]{8}…[0-9a-f]{6}, block \d+"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Check on chain" }).ClickAsync();
        await Expect(page.Locator("[data-testid=chain-check-status]")).ToHaveTextAsync("verified");
        await Expect(page.Locator("[data-testid=on-chain-badge]")).ToHaveCountAsync(4);
        await Expect(page.Locator("[data-testid=cast-command]")).ToContainTextAsync($"$(cast keccak {server})");
        await session.CheckAsync("asset-server");

        // The packing list downloads from its link under the portal's session, byte for byte what was stored.
        var link = timeline.Nth(1).GetByRole(AriaRole.Link);
        Assert.Equal("assets/documents/" + packingHash, await link.GetAttributeAsync("href"));
        var document = await page.Context.APIRequest.GetAsync(new Uri(Server, "assets/documents/" + packingHash).ToString());
        Assert.Equal(200, document.Status);
        Assert.Equal(packingList, await document.TextAsync());

        await page.GetByRole(AriaRole.Link, new() { Name = disk }).ClickAsync();
        await Expect(page.Locator("[data-testid=custody-status]")).ToHaveTextAsync("custody gap");
        await Expect(page.Locator("[data-testid=gaps]")).ToContainTextAsync($"Asset {disk} failed inspection #3 by {inspector.Id}");
        await Expect(page.Locator("[data-testid=inspection-outcome]")).ToHaveTextAsync("failed");
        await session.CheckAsync("asset-disk-gap");

        // The VM's page: host → server → components → custody events, and the gap said plainly.
        await page.GotoAsync("resources/" + vm.Id);
        var provenance = page.Locator("[data-testid=provenance]");
        await Expect(provenance.Locator("[data-testid=provenance-path]")).ToContainTextAsync($"Site edge-003 → host {host} → server {server} → 1 component");
        await Expect(provenance.Locator("[data-testid=provenance-status]")).ToContainTextAsync("custody gap");
        await Expect(provenance.Locator("[data-testid=provenance-status]")).ToContainTextAsync($"Asset {disk} failed inspection");
        await Expect(provenance.Locator("[data-testid=provenance-asset]")).ToHaveCountAsync(2);
        await Expect(provenance.Locator($"[data-asset={server}] [data-testid=provenance-timeline] tbody tr")).ToHaveCountAsync(4);
        await Expect(provenance.Locator("[data-testid=provenance-command]")).ToHaveTextAsync($"sankofa vm provenance {vm.Id} --verify");
        await session.CheckAsync("vm-provenance");
        await page.GotoAsync("resources/" + bare.Id);
        await Expect(page.Locator("[data-testid=no-hardware]")).ToContainTextAsync($"Host {bare.Placement.HostId} (site edge-002) has no registered hardware");

        // Compliance: the tenant's residency report lists the VM where it ran, with the chain's record; retention refuses a future cut-off under its field.
        // (The tenant chosen in the switcher, on the same circuit, is the one the report starts with.)
        await page.GetByLabel("Tenant").First.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = vm.TenantId, Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Compliance" }).ClickAsync();
        var line = page.Locator($"[data-testid=residency] tr[data-resource={vm.Id}]");
        await Expect(line).ToContainTextAsync($"edge-003 / {host}");
        await Expect(line).ToHaveAttributeAsync("data-flagged", "false");
        await Expect(page.Locator("[data-testid=residency-summary]")).ToContainTextAsync("0 flagged");
        await session.CheckAsync("compliance-residency");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Retention" }).ClickAsync();
        await Expect(page.Locator("[data-testid=retention-policies]")).ToContainTextAsync("7 years");
        await page.GetByLabel("Before (UTC, ISO 8601)").FillAsync("2999-01-01T00:00:00Z");
        await page.GetByRole(AriaRole.Button, new() { Name = "Archive", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Archive old audit entries?");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Archive" }).ClickAsync();
        await Expect(page.Locator("[data-testid=archive-form]")).ToContainTextAsync("future");
        await session.CheckAsync("compliance-retention");
    }

    [Fact]
    public async Task A_viewer_without_assets_read_sees_no_assets_and_is_refused_the_asset_pages()
    {
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.ViewerOfA);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Resources" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Assets" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Compliance" })).ToHaveCountAsync(0);
        await page.GotoAsync("assets");
        await Expect(page.Locator("[data-testid=not-allowed]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=assets]")).ToHaveCountAsync(0);
        await page.GotoAsync("assets/srv-any");
        await Expect(page.Locator("[data-testid=not-allowed]")).ToBeVisibleAsync();
        await session.CheckAsync("viewer-assets-refused");
    }
}
