using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Sankofa.Server.Tests.Portal;

/// <summary>The Governance page of a server whose contracts belong to no board.</summary>
public sealed partial class PortalTests
{
    [Fact]
    public async Task Without_a_board_the_Governance_page_says_the_control_planes_key_administers_the_contracts_and_how_to_configure_a_board()
    {
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        await SignInAsync(session, fixture.ViewerOfA);
        await page.GetByRole(AriaRole.Link, new() { Name = "Governance" }).ClickAsync();

        var message = page.Locator("[data-testid=no-board]");
        await Expect(message).ToContainTextAsync("the control plane's own key administers");
        await Expect(message).ToContainTextAsync("Ledger:Board:Members");
        await Expect(message).ToContainTextAsync("docs/governance.md");
        await session.CheckAsync("governance-no-board");
    }
}
