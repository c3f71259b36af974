using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Ledger;
using static Microsoft.Playwright.Assertions;

namespace Sankofa.Server.Tests.Portal;

/// <summary>The Governance page in a real browser against a server whose contracts a board owns, with proposals its members made.</summary>
[Collection(GovernanceBoardCollection.Name)]
public sealed class GovernancePortalTests(GovernanceBoardFixture fixture, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_governance_page_shows_the_board_a_queued_decision_counting_down_its_decoded_call_and_the_command_each_member_runs_next()
    {
        var server = fixture.Harness.Server.Address;
        await using var session = await browser.OpenAsync(server);
        var page = session.Page;
        await PortalTests.SignInAsync(session, fixture.Auditor, GovernanceBoardFixture.Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Governance" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Governance", Exact = true })).ToBeVisibleAsync();

        var board = page.Locator("[data-testid=board]");
        await Expect(board.Locator("[data-testid=threshold]")).ToHaveTextAsync("2 of 3 approvals");
        await Expect(board.Locator("[data-testid=emergency-threshold]")).ToContainTextAsync("1 approval, at once");
        await Expect(board.Locator("[data-testid=delay]")).ToHaveTextAsync("1 h");
        foreach (var member in fixture.Members)
        {
            await Expect(board.Locator("[data-testid=members]")).ToContainTextAsync(member.ToLowerInvariant(), new() { IgnoreCase = true });
        }

        // Queued: both approvals in, the timelock's hour running down, the failover named; any member runs it once ready.
        var queued = page.Locator($"[data-testid=proposal][data-id='{fixture.Queued}']");
        await Expect(queued.Locator("[data-testid=proposal-state]")).ToHaveTextAsync("queued");
        await Expect(queued.Locator("[data-testid=approvals]")).ToHaveTextAsync("2 of 2");
        await Expect(queued.Locator("[data-testid=countdown]")).ToHaveTextAsync(new Regex(@"^runs in (1 h|59 min) \(ready at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\)$"));
        await Expect(queued.Locator("[data-testid=call-target]")).ToContainTextAsync("ResourceRegistry");
        await Expect(queued.Locator("[data-testid=call-function]")).ToHaveTextAsync("failover(site = edge-001, to = edge-002)");
        await Expect(queued.Locator("[data-testid=calldata]")).ToHaveTextAsync(new Regex("^0x[0-9a-f]{136}$"));
        await Expect(queued.Locator("[data-testid=command]")).ToHaveTextAsync(
            $"sankofa gov execute {fixture.Queued} --key-file member.key --rpc-url $RPC --server {server}");

        // Pending: one approval of two, three role grants named by contract and role; a second member approves it.
        var pending = page.Locator($"[data-testid=proposal][data-id='{fixture.Pending}']");
        await Expect(pending.Locator("[data-testid=proposal-state]")).ToHaveTextAsync("pending");
        await Expect(pending.Locator("[data-testid=approvals]")).ToHaveTextAsync("1 of 2");
        await Expect(pending.Locator("[data-testid=countdown]")).ToHaveCountAsync(0);
        await Expect(pending.Locator("[data-testid=call-target]")).ToContainTextAsync(["ResourceRegistry", "AuditAnchor", "IdentityRegistry"]);
        await Expect(pending.Locator("[data-testid=call-function]")).ToHaveTextAsync(
            new[] { "CONTROL_PLANE_ROLE", "ANCHORER_ROLE", "REGISTRAR_ROLE" }.Select(role => $"grantRole(role = {role}, account = {fixture.ControlPlaneKey})").ToArray());
        await Expect(pending.Locator("[data-testid=command]")).ToHaveTextAsync(
            $"sankofa gov approve {fixture.Pending} --key-file member.key --rpc-url $RPC --server {server}");
        await Expect(page.Locator("[data-testid=member-note]")).ToContainTextAsync("their own key file");

        // Read only: nothing on the page signs or sends.
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^(Approve|Execute|Cancel|Propose)", RegexOptions.IgnoreCase) })).ToHaveCountAsync(0);
        await session.CheckAsync("governance");
    }
}
