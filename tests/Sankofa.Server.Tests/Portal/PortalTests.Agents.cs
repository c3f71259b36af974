using System.Net.Http.Json;
using Microsoft.Playwright;
using Sankofa.Agent.Registration;
using static Microsoft.Playwright.Assertions;

namespace Sankofa.Server.Tests.Portal;

/// <summary>The site page's agents: listed with their state, approved from the portal onto the chain.</summary>
public sealed partial class PortalTests
{
    [Fact]
    public async Task An_administrator_approves_a_pending_agent_from_the_site_page_and_sees_it_approved_with_its_transaction()
    {
        // A site the emulated edge does not attest for in direct mode, so its key on chain is the agent's to take.
        const string site = "edge-099";
        var directory = Directory.CreateTempSubdirectory("sankofa-portal-agent-").FullName;
        try
        {
            var registration = await AgentInit.RunAsync(site, Path.Combine(directory, "agent"),
                ct => ChainBinding.ReadAsync(fixture.Harness.Server.Anonymous, ct), TimeProvider.System, CancellationToken.None);
            using (var registered = await fixture.Harness.Client.PostAsJsonAsync($"api/v1/sites/{site}/agents", registration, RegistrationRequest.Json))
            {
                Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
            }

            var address = registration.Address.ToLowerInvariant();
            await using var session = await browser.OpenAsync(Server);
            var page = session.Page;
            await SignInAsync(session, fixture.Administrator);
            await page.GotoAsync("sites/" + site);
            await Expect(page.Locator($"[data-testid=agent-state-{address}]")).ToHaveTextAsync("pending");
            await session.CheckAsync("site-agents-pending");

            await page.GetByRole(AriaRole.Button, new() { Name = "Approve " + address, Exact = true }).ClickAsync();

            await Expect(page.Locator($"[data-testid=agent-state-{address}]")).ToHaveTextAsync("approved");
            await Expect(page.Locator($"[data-testid=agent-{address}]")).ToContainTextAsync("(tx 0x");
            await Expect(page.Locator("[data-testid=agent-error]")).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Approve " + address, Exact = true })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke " + address, Exact = true })).ToBeVisibleAsync();
            await session.CheckAsync("site-agents-approved");

            var listed = await fixture.Harness.Client.GetFromJsonAsync<Server.Agents.AgentPageResponse>($"api/v1/sites/{site}/agents", Infrastructure.Json.Options);
            var approved = Assert.Single(listed!.Items);
            Assert.Equal((Core.Agents.AgentState.Approved, address), (approved.State, approved.Address));
            Assert.Matches("^0x[0-9a-f]{64}$", approved.KeyTransaction!);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
