using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Sankofa.Server.Tests.Portal;

/// <summary>What the browser's console shows while the portal is used: no failed resource.</summary>
public sealed partial class PortalTests
{
    [Fact]
    public async Task A_sign_in_loads_no_resource_that_fails_and_logs_no_console_error()
    {
        await using var session = await browser.OpenAsync(Server);
        var page = session.Page;
        var failures = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failures.Add($"{response.Status} {response.Request.Method} {response.Url}");
            }
        };
        page.RequestFailed += (_, request) => failures.Add($"failed {request.Method} {request.Url}: {request.Failure}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                failures.Add($"console: {message.Text} ({message.Location} on {page.Url})");
            }
        };

        await SignInAsync(session, fixture.ViewerOfA);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fleet at a glance" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Resources" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Resources" })).ToBeVisibleAsync();

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
