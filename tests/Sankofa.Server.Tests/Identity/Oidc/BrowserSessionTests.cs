using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Sankofa.Server.Tests.Portal;

namespace Sankofa.Server.Tests.Identity.Oidc;

/// <summary>
/// Browser sessions end when their identity changes: after a password change, a suspension (even once reinstated) or a
/// role taken, the issuer's sign-in cookie gets no portal code and approves no device code, and the portal's cookie no
/// longer opens the portal; the browser must sign in again. Over real HTTP.
/// </summary>
public sealed class BrowserSessionTests(IssuerFixture fixture) : IClassFixture<IssuerFixture>
{
    private const string Password = "correct horse battery staple";

    public enum Change
    {
        Password,
        Suspension,
        RoleRemoval,
    }

    [Theory]
    [InlineData(Change.Password)]
    [InlineData(Change.Suspension)]
    [InlineData(Change.RoleRemoval)]
    public async Task After_the_change_the_issuer_cookie_gets_no_portal_code_but_a_sign_in_page(Change change)
    {
        var (id, userName, role) = await UserAsync();
        var flows = new OidcFlows(fixture.Server.Address);
        using (var signedIn = await flows.SignInAsync("/connect/signed-in", userName, Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using (var before = await flows.Browser.GetAsync(AuthorizePath()))
        {
            Assert.StartsWith(OidcFlows.RedirectUri, before.Headers.Location!.ToString(), StringComparison.Ordinal);
            Assert.Contains("code=", before.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        await MakeAsync(change, id, userName, role);

        using var after = await flows.Browser.GetAsync(AuthorizePath());
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/connect/login", after.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Change.Password)]
    [InlineData(Change.Suspension)]
    [InlineData(Change.RoleRemoval)]
    public async Task After_the_change_the_issuer_cookie_approves_no_device_code(Change change)
    {
        var (id, userName, role) = await UserAsync();
        var flows = new OidcFlows(fixture.Server.Address);
        using var started = await fixture.Server.Anonymous.PostAsync("connect/device", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "sankofa-cli", ["scope"] = "openid sankofa offline_access",
        }));
        var device = await started.Content.ReadFromJsonAsync<JsonElement>();
        var userCode = device.GetProperty("user_code").GetString()!;
        var verify = "connect/verify?user_code=" + Uri.EscapeDataString(userCode);
        using (var signedIn = await flows.SignInAsync("/" + verify, userName, Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        // The approval form was open before the change; it is posted after.
        var token = await flows.FormAsync(verify);
        await MakeAsync(change, id, userName, role);
        using (var approved = await flows.PostFormAsync(verify, new() { ["__RequestVerificationToken"] = token, ["user_code"] = userCode, ["decision"] = "approve" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
            Assert.StartsWith("/connect/login", approved.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        var poll = await flows.TokenAsync(new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code", ["client_id"] = "sankofa-cli", ["device_code"] = device.GetProperty("device_code").GetString()!,
        });
        Assert.Equal("authorization_pending", poll.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(Change.Password)]
    [InlineData(Change.Suspension)]
    [InlineData(Change.RoleRemoval)]
    public async Task After_the_change_the_portal_cookie_no_longer_opens_the_portal(Change change)
    {
        var (id, userName, role) = await UserAsync();
        using var browser = new PortalHttpBrowser(fixture.Server.Address);
        using (var signedIn = await browser.SignInAsync("returnUrl=%2F", userName, Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using (var before = await browser.Client.GetAsync(string.Empty))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await MakeAsync(change, id, userName, role);

        // The portal sends the browser to the issuer to sign in again, instead of showing the page.
        using var after = await browser.Client.GetAsync(string.Empty);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/connect/authorize", after.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    private async Task<(string Id, string UserName, string Role)> UserAsync()
    {
        var role = "viewer@t-" + Guid.NewGuid().ToString("N")[..6];
        var (id, userName) = await TestIdentities.UserAsync(fixture.Server, role, Password);
        return (id, userName, role);
    }

    /// <summary>Changes the identity as its owner (password) or an administrator (suspension, then reinstatement; a role taken) would.</summary>
    private async Task MakeAsync(Change change, string id, string userName, string role)
    {
        var api = fixture.Server.Client;
        switch (change)
        {
            case Change.Password:
                using (var changed = await fixture.Server.Anonymous.PostAsJsonAsync("api/v1/identities/password",
                           new { userName, currentPassword = Password, newPassword = "an entirely new passphrase" }))
                {
                    Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
                }

                break;
            case Change.Suspension:
                // Reinstated at once: the sessions begun before the suspension stay ended.
                await SucceedsAsync(api.PostAsync($"api/v1/identities/{id}/suspend", null));
                await SucceedsAsync(api.PostAsync($"api/v1/identities/{id}/reinstate", null));
                break;
            default:
                var at = role.IndexOf('@', StringComparison.Ordinal);
                await SucceedsAsync(api.DeleteAsync($"api/v1/identities/{id}/roles?role={role[..at]}&scope={role[(at + 1)..]}"));
                break;
        }
    }

    private static async Task SucceedsAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static string AuthorizePath()
    {
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)))));
        return "connect/authorize?" + string.Join('&', new Dictionary<string, string>
        {
            ["client_id"] = "sankofa-portal", ["response_type"] = "code", ["redirect_uri"] = OidcFlows.RedirectUri, ["scope"] = "openid profile sankofa",
            ["code_challenge"] = challenge, ["code_challenge_method"] = "S256", ["state"] = "s-1",
        }.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));
    }
}
