using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Sankofa.Server.Tests.Portal;

/// <summary>The Identity page's role grants and credentials for others, under the API's rules.</summary>
public sealed partial class PortalTests
{
    [Fact]
    public async Task An_administrator_grants_a_role_sees_it_on_chain_issues_a_credential_for_it_to_the_member_and_removes_it()
    {
        var (id, member) = fixture.ToGrant;
        var granted = "operator@" + fixture.TenantA;
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.Administrator);
        await page.GetByRole(AriaRole.Link, new() { Name = "Identity" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Roles of {member}" }).ClickAsync();
        var editor = page.Locator("[data-testid=role-editor]");
        await Expect(editor.Locator("[data-testid=roles]")).ToContainTextAsync("viewer@" + fixture.TenantA);

        await page.GetByLabel("Role to grant", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "operator", Exact = true }).ClickAsync();
        // The button names the grant once the server holds both choices: an earlier click could send the grant before them.
        var grant = page.GetByRole(AriaRole.Button, new() { Name = "Grant " + granted, Exact = true });
        await FillUntilShownAsync(page.GetByLabel("Scope", new() { Exact = true }), fixture.TenantA, grant);
        await grant.ClickAsync();

        // Listed at once, in the editor and the list; recorded on chain once the chain worker's step lands (the editor polls).
        await Expect(editor.Locator("[data-testid=roles]")).ToContainTextAsync(granted);
        await Expect(page.Locator("[data-testid=identities]")).ToContainTextAsync(granted);
        await Expect(editor.Locator("[data-testid=role-chain]")).ToContainTextAsync("0 pending, 0 failed. The IdentityRegistry holds 2 role grants");
        await session.CheckAsync("role-granted");

        // A credential for the member's new role, issued by the administrator as POST /api/v1/credentials would.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Issue credential for {granted} to {member}" }).ClickAsync();
        var jwt = page.GetByLabel($"Credential for {member} ({granted}) (VC-JWT), shown once");
        await Expect(jwt).ToHaveValueAsync(new Regex(@"^eyJ[\w-]+\.[\w-]+\.[\w-]+$"));
        using (var verified = await fixture.Harness.Client.PostAsJsonAsync("api/v1/credentials/verify", new { jwt = await jwt.InputValueAsync() }))
        {
            var body = await verified.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(body.GetProperty("valid").GetBoolean(), body.ToString());
        }

        await session.CheckAsync("credential-for-another");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Remove {granted} from {member}" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(editor.Locator("[data-testid=roles]")).Not.ToContainTextAsync(granted);
        await Expect(editor.Locator("[data-testid=role-chain]")).ToContainTextAsync("0 pending, 0 failed. The IdentityRegistry holds 1 role grant ");
        var stored = await fixture.Harness.Client.GetFromJsonAsync<JsonElement>($"api/v1/identities/{id}");
        Assert.Equal(["viewer@" + fixture.TenantA], stored.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        await session.CheckAsync("role-removed");
    }

    [Fact]
    public async Task A_tenant_administrator_cannot_grant_a_role_outside_its_tenant_the_form_shows_the_refusal_and_a_malformed_grant_is_named_under_its_field()
    {
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.TenantAdminOfA);
        await page.GetByRole(AriaRole.Link, new() { Name = "Identity" }).ClickAsync();
        await Expect(page.Locator("[data-testid=choose-tenant]")).ToBeVisibleAsync();
        await page.GetByLabel("Tenant").First.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = fixture.TenantA, Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Roles of {fixture.ViewerOfA}" }).ClickAsync();

        // The scope starts as the chosen tenant; another tenant's is refused as the API refuses it (403, identities.write).
        var scope = page.GetByLabel("Scope", new() { Exact = true });
        await Expect(scope).ToHaveValueAsync(fixture.TenantA);
        await page.GetByLabel("Role to grant", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "viewer", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Grant viewer@" + fixture.TenantA, Exact = true })).ToBeVisibleAsync();
        var grantOutside = page.GetByRole(AriaRole.Button, new() { Name = "Grant viewer@" + fixture.TenantB, Exact = true });
        await FillUntilShownAsync(scope, fixture.TenantB, grantOutside);
        await grantOutside.ClickAsync();
        await Expect(page.Locator("[data-testid=role-problem]")).ToHaveTextAsync($"Your roles do not allow granting viewer@{fixture.TenantB}: only roles within your tenants.");
        await Expect(page.Locator("[data-testid=role-editor] [data-testid=roles]")).Not.ToContainTextAsync(fixture.TenantB);
        await session.CheckAsync("role-grant-refused");

        // A platform-wide role given a scope: the service's message, under the API's field (role).
        await page.GetByLabel("Role to grant", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "platform-admin", Exact = true }).ClickAsync();
        var grantPlatformAdmin = page.GetByRole(AriaRole.Button, new() { Name = "Grant platform-admin@" + fixture.TenantA, Exact = true });
        await FillUntilShownAsync(scope, fixture.TenantA, grantPlatformAdmin);
        await grantPlatformAdmin.ClickAsync();
        await Expect(page.GetByText("platform-admin is platform-wide: write it without '@scope'.")).ToBeVisibleAsync();
        await session.CheckAsync("role-field-error");

        var stored = await fixture.Harness.Client.GetFromJsonAsync<JsonElement>("api/v1/identities?tenantId=" + fixture.TenantA);
        Assert.DoesNotContain(stored.GetProperty("items").EnumerateArray().SelectMany(i => i.GetProperty("roles").EnumerateArray()),
            r => r.GetString()!.EndsWith("@" + fixture.TenantB, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_identity_list_pages_with_a_cursor_showing_every_member_once_newest_first()
    {
        var tenant = "pi-" + Guid.NewGuid().ToString("N")[..6];
        using (var created = await fixture.Harness.Client.PostAsJsonAsync("api/v1/tenants",
            new { id = tenant, name = "Members " + tenant, quota = new { vcpu = 1, ramMiB = 1024, diskGiB = 10, vms = 1 } }))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var members = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var userName = $"m{i:00}{Guid.NewGuid().ToString("N")[..8]}";
            using var created = await fixture.Harness.Client.PostAsJsonAsync("api/v1/identities/users", new { userName, roles = new[] { "viewer@" + tenant } });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            members.Add(userName);
        }

        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.Administrator);
        await page.GetByRole(AriaRole.Link, new() { Name = "Identity" }).ClickAsync();
        await page.GetByLabel("Tenant").First.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = tenant, Exact = true }).ClickAsync();
        await page.GetByLabel("Per page").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "10", Exact = true }).ClickAsync();

        var names = page.Locator("[data-testid=identities] tbody tr td:first-child");
        var newestFirst = Enumerable.Reverse(members).ToList();
        await Expect(names).ToHaveTextAsync([.. newestFirst.Take(10)]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(names).ToHaveTextAsync([.. newestFirst.Skip(10)]);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Next" })).ToBeDisabledAsync();
        await session.CheckAsync("identities-last-page");

        await page.GetByRole(AriaRole.Button, new() { Name = "Previous" }).ClickAsync();
        await Expect(names).ToHaveTextAsync([.. newestFirst.Take(10)]);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Previous" })).ToBeDisabledAsync();
    }
}
