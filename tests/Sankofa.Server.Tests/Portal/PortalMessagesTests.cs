using Microsoft.Playwright;
using Sankofa.Server.Tests.Identity;
using Sankofa.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Sankofa.Server.Tests.Portal;

/// <summary>When something behind a page fails, people read a message of the portal's own, never an exception's text.</summary>
public sealed class PortalMessagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-portal-messages-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task With_the_chain_away_the_dashboard_says_so_in_its_own_words_and_shows_no_exception_text()
    {
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        await using var server = await TestServer.StartAsync(Path.Combine(directory.FullName, "server"), new Dictionary<string, string?>
        {
            ["Ledger:RpcUrl"] = anvil.RpcUrl.ToString(),
            ["Ledger:KeyPassword"] = "portal-messages-test-password",
            ["Ledger:RpcTimeout"] = "00:00:02",
        });
        var administrator = await TestIdentities.UserAsync(server, "platform-admin", PortalFixture.Password);
        await using var session = await browser.OpenAsync(server.Address);
        var page = session.Page;
        await page.GotoAsync("/");
        await page.GetByLabel("User name").FillAsync(administrator.UserName);
        await page.GetByLabel("Password").FillAsync(PortalFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("[data-testid=signed-in-as]")).ToHaveTextAsync(administrator.UserName);

        await anvil.StopAsync();
        await page.ReloadAsync();

        await Expect(page.GetByText("The chain cannot be read now. Try again in a moment.")).ToBeVisibleAsync();
        await session.CheckAsync("chain-away");
        var text = await page.Locator("body").InnerTextAsync();
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("did not answer", text, StringComparison.Ordinal);
    }
}
