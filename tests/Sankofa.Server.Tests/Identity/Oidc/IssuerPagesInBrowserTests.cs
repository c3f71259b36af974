using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Sankofa.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Sankofa.Server.Tests.Identity.Oidc;

/// <summary>
/// The issuer's own pages in a real browser (Debian's Chromium): what a person does when the CLI or a first install sends
/// them there, each page screenshotted and held to the accessibility bar (no serious or critical axe violation).
/// </summary>
public sealed class IssuerPagesInBrowserTests(ServerFixture server, BrowserFixture browser) : IClassFixture<ServerFixture>, IClassFixture<BrowserFixture>
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task A_person_approves_the_cli_in_a_browser_after_a_wrong_password_and_a_wrong_code_and_the_cli_gets_tokens()
    {
        var (id, userName) = await TestIdentities.UserAsync(server.Server, "operator@t-browser", Password);
        using var started = await server.Server.Anonymous.PostAsync("connect/device", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "sankofa-cli", ["scope"] = "openid profile offline_access sankofa",
        }));
        var device = await started.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(started.IsSuccessStatusCode, device.ToString());
        var userCode = device.GetProperty("user_code").GetString()!;
        await using var session = await browser.OpenAsync(server.Server.Address);
        var page = session.Page;

        // What `sankofa login` prints: the verification address, where the person types the code.
        await page.GotoAsync(device.GetProperty("verification_uri").GetString()!);
        await Expect(page).ToHaveTitleAsync("Sign in to Sankofa");
        await session.CheckAsync("sign-in");

        await SignInAsync(page, userName, "not the password at all");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The user name or password is wrong.");
        await Expect(page.GetByLabel("User name")).ToHaveValueAsync(userName);
        await session.CheckAsync("wrong-password");

        await SignInAsync(page, userName, Password);
        await Expect(page).ToHaveTitleAsync("Sign in a device");
        await session.CheckAsync("enter-code");

        // A typo: the real code with its last character changed (OpenIddict drops characters outside its alphabet, so a
        // made-up code of other characters would not be a code at all).
        await EnterCodeAsync(page, Mistyped(userCode));
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That code is unknown or has expired.");
        await session.CheckAsync("unknown-code");

        await EnterCodeAsync(page, userCode);
        await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("sankofa-cli");
        await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync(userCode);
        await session.CheckAsync("approve-device");

        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page).ToHaveTitleAsync("Device approved");
        await session.CheckAsync("device-approved");

        // The CLI has been polling all along; now it gets tokens for this person.
        var tokens = await Eventually.UntilAsync(() => TokenAsync(new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code", ["client_id"] = "sankofa-cli", ["device_code"] = device.GetProperty("device_code").GetString()!,
        }), t => t.TryGetProperty("access_token", out _));
        Assert.True(tokens.TryGetProperty("access_token", out var access), tokens.ToString());
        Assert.Equal(id, OidcFlows.Claims(access.GetString()!).GetProperty("sub").GetString());
        Assert.True(tokens.TryGetProperty("refresh_token", out _), tokens.ToString());
    }

    [Fact]
    public async Task The_first_administrator_chooses_a_new_password_in_a_browser_and_the_one_time_password_is_gone()
    {
        var file = Path.Combine(server.Server.DataDirectory, "initial-admin-password");
        var oneTime = (await File.ReadAllTextAsync(file)).Trim();
        await using var session = await browser.OpenAsync(server.Server.Address);
        var page = session.Page;

        await page.GotoAsync("connect/login?returnUrl=%2Fconnect%2Fsigned-in");
        await SignInAsync(page, "admin", oneTime);
        await Expect(page).ToHaveTitleAsync("Choose a new password");
        await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("The password of admin must be changed before you go on.");
        await session.CheckAsync("change-password");

        await ChangePasswordAsync(page, oneTime, "a much longer admin password", "a much longer admin passwort");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The new passwords differ.");
        await session.CheckAsync("passwords-differ");

        await ChangePasswordAsync(page, oneTime, "a much longer admin password", "a much longer admin password");
        await Expect(page).ToHaveTitleAsync("Signed in");
        await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("You are signed in to Sankofa.");
        await session.CheckAsync("signed-in");
        Assert.False(File.Exists(file));
    }

    private static async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    private static string Mistyped(string code) => code[..^1] + (code[^1] == '0' ? '1' : '0');

    private static async Task EnterCodeAsync(IPage page, string userCode)
    {
        await page.GetByLabel("Code shown by the device").FillAsync(userCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
    }

    private static async Task ChangePasswordAsync(IPage page, string current, string chosen, string again)
    {
        await page.GetByLabel("Current password").FillAsync(current);
        await page.GetByLabel("New password (at least 12 characters)").FillAsync(chosen);
        await page.GetByLabel("New password again").FillAsync(again);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
    }

    private async Task<JsonElement> TokenAsync(Dictionary<string, string> form)
    {
        using var response = await server.Server.Anonymous.PostAsync("connect/token", new FormUrlEncodedContent(form));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
