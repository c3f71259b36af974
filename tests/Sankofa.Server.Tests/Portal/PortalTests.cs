using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Sankofa.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Sankofa.Server.Tests.Portal;

/// <summary>
/// The portal in a real browser (Debian's Chromium) against a real server, emulated sites and the chain: what a person
/// does, page by page, each page screenshotted and held to the accessibility bar (no serious or critical axe violation).
/// </summary>
public sealed partial class PortalTests(PortalFixture fixture, BrowserFixture browser) : IClassFixture<PortalFixture>, IClassFixture<BrowserFixture>
{
    private Uri Server => fixture.Harness.Server.Address;

    [Fact]
    public async Task An_administrator_signs_in_creates_a_vm_watches_it_verify_verifies_it_finds_it_in_the_audit_log_deletes_it_and_signs_out()
    {
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.Administrator);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fleet at a glance" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=world-map] circle")).ToHaveCountAsync(325);
        await session.CheckAsync("dashboard");

        await page.GetByRole(AriaRole.Link, new() { Name = "Resources" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Resources" })).ToBeVisibleAsync();
        await session.CheckAsync("resources");

        await page.GetByRole(AriaRole.Link, new() { Name = "Create VM" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create a VM" })).ToBeVisibleAsync();
        await page.GetByLabel("Project").First.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { NameRegex = new Regex(fixture.ProjectA) }).ClickAsync();
        var name = "web-" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("SSH public key").FillAsync("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKq0 ops@example");
        await page.GetByLabel("Cloud-init user").FillAsync("ops");
        await session.CheckAsync("create-form");

        // The placement and its explanation come before anything is created.
        await page.GetByRole(AriaRole.Button, new() { Name = "Show placement" }).ClickAsync();
        await Expect(page.Locator("[data-testid=placement-reason]")).Not.ToBeEmptyAsync();
        await session.CheckAsync("placement-preview");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();
        var id = (await page.Locator("[data-testid=resource-id]").TextContentAsync())!.Trim();
        await Expect(page.Locator("[data-testid=resource-status]")).ToHaveTextAsync(new Regex("^Verified"), new() { Timeout = 90_000 });
        await Expect(page.Locator("[data-testid=site-attestation]")).ToHaveTextAsync(new Regex("^0x[0-9a-f]{64}$"));
        await session.CheckAsync("resource-verified");

        await page.GetByRole(AriaRole.Button, new() { Name = "Verify on chain" }).ClickAsync();
        await Expect(page.Locator("[data-testid=verification-status]")).ToHaveTextAsync("verified");
        await session.CheckAsync("verification");

        // Resized from its page: a shrinking disk is refused under the disk field; a growth goes on to Verified again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Resize" }).ClickAsync();
        await page.GetByLabel("New disk (GiB)").FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("[data-testid=resize-form]")).ToContainTextAsync("Disks only grow");
        await session.CheckAsync("resize-form");
        await page.GetByLabel("New disk (GiB)").FillAsync("64");
        await page.GetByLabel("New vCPU").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("[data-testid=resource-size]")).ToContainTextAsync("3 vCPU");
        await Expect(page.Locator("[data-testid=resource-size]")).ToContainTextAsync("64 GiB");
        await Expect(page.Locator("[data-testid=resource-status]")).ToHaveTextAsync(new Regex("^Verified"), new() { Timeout = 90_000 });

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit" }).ClickAsync();
        await page.GetByLabel("Subject (e.g. resource:vm-…)").FillAsync("resource:" + id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        // The newest entries of every subject stay on screen until the search answers, and may hold a "requested" too:
        // clicking their last row as the filtered list replaced them clicked below it (fresh-clone CI 29).
        var entries = page.Locator("[data-testid=audit-entries] tbody tr");
        await Expect(entries.Filter(new() { HasNotText = "resource:" + id })).ToHaveCountAsync(0);
        await Expect(entries.Last).ToContainTextAsync("provisioning.resource.requested");
        await entries.Last.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator("[data-testid=audit-entry]")).ToContainTextAsync("resource:" + id);
        await Expect(page.Locator("[data-testid=audit-verification]")).ToBeVisibleAsync();
        await session.CheckAsync("audit");

        await page.GotoAsync("resources/" + id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Delete this VM?");
        await session.CheckAsync("delete-confirmation");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.Locator("[data-testid=resource-status]")).ToHaveTextAsync(new Regex("^Deleted"), new() { Timeout = 90_000 });
        await session.CheckAsync("resource-deleted");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveTitleAsync("Sign in to Sankofa");
        await session.CheckAsync("signed-out");
    }

    [Fact]
    public async Task The_create_form_shows_the_service_s_field_errors_under_the_api_s_fields_and_creates_nothing()
    {
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.Administrator);
        await page.GetByRole(AriaRole.Link, new() { Name = "Resources" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Create VM" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("web-invalid");
        await page.GetByLabel("vCPU").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show placement" }).ClickAsync();

        // The service's own message, under the field the API names (vcpu).
        await Expect(page.Locator("[data-testid=problem]")).ToBeVisibleAsync();
        await Expect(page.GetByText("Must be at least 1 (was 0).")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync("web-invalid");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true })).ToBeDisabledAsync();
        await session.CheckAsync("create-field-errors");
    }

    [Fact]
    public async Task An_identity_suspended_while_signed_in_is_refused_at_its_next_click()
    {
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.ToSuspend.UserName);
        using (var suspended = await fixture.Harness.Client.PostAsync($"api/v1/identities/{fixture.ToSuspend.Id}/suspend", null))
        {
            Assert.True(suspended.IsSuccessStatusCode, await suspended.Content.ReadAsStringAsync());
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Resources" }).ClickAsync();
        await Expect(page.Locator("[data-testid=refused]")).ToContainTextAsync("suspended");
        await session.CheckAsync("suspended-refused");
    }

    [Fact]
    public async Task A_role_taken_while_signed_in_is_gone_from_the_open_portal_at_its_next_click()
    {
        var (id, userName) = await Identity.TestIdentities.UserAsync(fixture.Harness.Server, "operator@" + fixture.TenantA, PortalFixture.Password);
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, userName);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Resources" })).ToBeVisibleAsync();
        using (var taken = await fixture.Harness.Client.DeleteAsync($"api/v1/identities/{id}/roles?role=operator&scope={fixture.TenantA}"))
        {
            Assert.True(taken.IsSuccessStatusCode, await taken.Content.ReadAsStringAsync());
        }

        // The same circuit, no new sign-in: the roles come from the store, not from the ID token of the sign-in.
        await page.GetByRole(AriaRole.Link, new() { Name = "Identity" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Resources" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_dropped_connection_loses_nothing_the_circuit_resumes_with_the_form_as_typed()
    {
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;

        // Every circuit socket passes through here, so the test can cut the one in use as a network drop would.
        IWebSocketRoute? socket = null;
        await page.RouteWebSocketAsync(new Regex("/_blazor"), ws =>
        {
            ws.ConnectToServer();
            socket = ws;
        });
        await SignInAsync(session, fixture.Administrator);
        await page.GetByRole(AriaRole.Link, new() { Name = "Resources" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Create VM" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("typed-before-the-drop");
        await page.GetByLabel("vCPU").FillAsync("0");
        var dropped = socket!;
        await dropped.CloseAsync(new() { Code = 1006, Reason = "network drop" });

        // Blazor reconnects on its own (a new socket), to the same circuit: the form is as it was and still answers.
        await Expect(page.Locator("#components-reconnect-modal")).ToBeAttachedAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Show placement" })).ToBeEnabledAsync();
        await Eventually.UntilAsync(() => Task.FromResult(socket), s => !ReferenceEquals(s, dropped));
        Assert.NotSame(dropped, socket);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show placement" }).ClickAsync();
        await Expect(page.GetByText("Must be at least 1 (was 0).")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync("typed-before-the-drop");
        await session.CheckAsync("after-reconnect");
    }

    [Fact]
    public async Task A_viewer_sees_no_create_button_and_cannot_reach_the_create_form()
    {
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.ViewerOfA);
        await page.GetByRole(AriaRole.Link, new() { Name = "Resources" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Resources" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Create VM" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Audit" })).ToHaveCountAsync(0);
        await session.CheckAsync("viewer-resources");

        await page.GotoAsync("resources/new");
        await Expect(page.Locator("[data-testid=not-allowed]")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true })).ToHaveCountAsync(0);
        await session.CheckAsync("viewer-create-refused");
    }

    [Fact]
    public async Task Tenant_b_sees_none_of_tenant_a_s_resources_and_a_s_resource_is_not_found()
    {
        var vm = await fixture.Harness.CreateAsync(Provisioning.ProvisioningHarness.Vm(fixture.ProjectA, "edge-001", "secret-a"));
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.OperatorOfB);
        await page.GetByRole(AriaRole.Link, new() { Name = "Resources" }).ClickAsync();
        await Expect(page.Locator("[data-testid=empty]")).ToBeVisibleAsync();
        Assert.DoesNotContain("secret-a", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.TenantA, await page.ContentAsync(), StringComparison.Ordinal);
        await session.CheckAsync("tenant-b-resources");

        await page.GotoAsync("resources/" + vm.Id);
        await Expect(page.Locator("[data-testid=not-found]")).ToBeVisibleAsync();
        await session.CheckAsync("tenant-b-other-resource");

        await page.GotoAsync("resources/new");
        await page.GetByLabel("Project").First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Option)).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Option)).ToContainTextAsync(fixture.ProjectB);
    }

    [Fact]
    public async Task The_sites_identity_and_usage_pages_load_for_an_administrator()
    {
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.Administrator);

        await page.GetByRole(AriaRole.Link, new() { Name = "Sites" }).ClickAsync();
        await Expect(page.Locator("[data-testid=sites] tbody tr")).ToHaveCountAsync(25);
        await session.CheckAsync("sites");
        await page.GetByLabel("Search (id, name, region)").FillAsync("edge-001");
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex(@"\(edge-001\)") }).ClickAsync();
        await Expect(page.Locator("[data-testid=hosts] tbody tr").First).ToBeVisibleAsync();
        await session.CheckAsync("site-detail");

        await page.GetByRole(AriaRole.Link, new() { Name = "Identity" }).ClickAsync();
        await Expect(page.Locator("[data-testid=my-did]")).ToHaveTextAsync(new Regex("^did:ethr:0x[0-9a-f]+:0x[0-9a-fA-F]{40}$"));
        await Expect(page.Locator("[data-testid=identities]")).ToContainTextAsync(fixture.ViewerOfA);
        await page.GetByRole(AriaRole.Button, new() { Name = "Get a credential for platform-admin" }).ClickAsync();
        await Expect(page.GetByLabel("Credential (VC-JWT), shown once")).ToHaveValueAsync(new Regex(@"^eyJ[\w-]+\.[\w-]+\.[\w-]+$"));
        await session.CheckAsync("identity");

        await page.GetByRole(AriaRole.Link, new() { Name = "Usage" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Usage" })).ToBeVisibleAsync();
        await session.CheckAsync("usage");

        // A platform-wide administrator may switch to any tenant.
        await page.GetByLabel("Tenant").First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Option, new() { Name = fixture.TenantA, Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Option, new() { Name = fixture.TenantB, Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>
    /// Fills a field and waits until the page shows the circuit took the value, filling again if it did not. A Blazor
    /// Server input travels to the circuit as an event; a re-render the circuit sent before handling it (a poll, a first
    /// load finishing) can put the old value back in the box, and then the typed value never arrives.
    /// </summary>
    internal static async Task FillUntilShownAsync(ILocator field, string value, ILocator shown)
    {
        for (var attempt = 1; ; attempt++)
        {
            await field.FillAsync(value);
            try
            {
                await Expect(shown).ToBeVisibleAsync(new() { Timeout = 10_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Opens the portal and signs in on the issuer's page (the authorization-code flow), back on the dashboard.</summary>
    internal static async Task SignInAsync(BrowserSession session, string userName, string password = PortalFixture.Password)
    {
        var page = session.Page;
        await page.GotoAsync("/");
        await Expect(page).ToHaveTitleAsync("Sign in to Sankofa");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("[data-testid=signed-in-as]")).ToHaveTextAsync(userName);
    }
}
