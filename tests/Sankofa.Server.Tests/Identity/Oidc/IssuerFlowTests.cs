using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Identity.Oidc;

/// <summary>A server whose issuer knows the portal (redirect to <see cref="OidcFlows.RedirectUri"/>).</summary>
public sealed class IssuerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
    {
        ["Oidc:PortalRedirectUris:0"] = OidcFlows.RedirectUri,
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// The embedded issuer's flows end to end over HTTP, with accounts made through the API and registered on the chain:
/// the portal's code + PKCE and refresh, the CLI's device flow, a service's client credentials, the first administrator's
/// one-time password, throttled guessing, and tokens refused once the chain no longer lists the identity as active.
/// </summary>
public sealed class IssuerFlowTests(IssuerFixture fixture) : IClassFixture<IssuerFixture>
{
    private const string Password = "correct horse battery staple";

    private HttpClient Api => fixture.Server.Client;

    [Fact]
    public async Task The_portal_signs_in_with_a_code_and_pkce_refreshes_and_is_refused_while_the_identity_is_suspended()
    {
        var (id, userName) = await UserAsync("viewer@t-flow");
        var flows = new OidcFlows(fixture.Server.Address);

        var tokens = await flows.AuthorizationCodeAsync(userName, Password);
        var claims = OidcFlows.Claims(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal(id, claims.GetProperty("sub").GetString());
        Assert.Equal(userName, claims.GetProperty("name").GetString());
        Assert.Equal("viewer@t-flow", claims.GetProperty("role").GetString());
        Assert.Equal("sankofa-api", claims.GetProperty("aud").GetString());
        Assert.StartsWith(fixture.Server.Address.ToString().TrimEnd('/'), claims.GetProperty("iss").GetString(), StringComparison.Ordinal);
        Assert.True(tokens.TryGetProperty("id_token", out _));

        var refreshed = await flows.TokenAsync(Refresh(tokens));
        Assert.True(refreshed.TryGetProperty("access_token", out _), refreshed.ToString());

        await PostAsync($"api/v1/identities/{id}/suspend");
        var refused = await Eventually.UntilAsync(() => flows.TokenAsync(Refresh(refreshed)), t => t.TryGetProperty("error", out _));
        Assert.Equal("invalid_grant", refused.GetProperty("error").GetString());

        await PostAsync($"api/v1/identities/{id}/reinstate");
        var again = await Eventually.UntilAsync(() => new OidcFlows(fixture.Server.Address).TokenAsync(Refresh(refreshed)), t => t.TryGetProperty("access_token", out _));
        Assert.Equal(id, OidcFlows.Claims(again.GetProperty("access_token").GetString()!).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task A_changed_password_ends_every_session_refresh_tokens_stop_working()
    {
        var (_, userName) = await UserAsync("viewer@t-change");
        var first = await new OidcFlows(fixture.Server.Address).AuthorizationCodeAsync(userName, Password);
        var second = await new OidcFlows(fixture.Server.Address).AuthorizationCodeAsync(userName, Password);

        using (var changed = await fixture.Server.Anonymous.PostAsJsonAsync("api/v1/identities/password",
                   new { userName, currentPassword = Password, newPassword = "an entirely new passphrase" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        }

        foreach (var tokens in new[] { first, second })
        {
            var refused = await new OidcFlows(fixture.Server.Address).TokenAsync(Refresh(tokens));
            Assert.Equal("invalid_grant", refused.GetProperty("error").GetString());
        }

        // Signing in again with the new password works.
        var again = await new OidcFlows(fixture.Server.Address).AuthorizationCodeAsync(userName, "an entirely new passphrase");
        Assert.True(again.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task A_suspension_recorded_on_chain_by_another_region_stops_the_tokens_here()
    {
        var (id, userName) = await UserAsync("operator@t-region");
        var flows = new OidcFlows(fixture.Server.Address);
        var tokens = await flows.AuthorizationCodeAsync(userName, Password);

        // Straight on the chain, as another control plane sharing it would: this server's store still says active.
        var chain = fixture.Server.Services.GetRequiredService<Sankofa.Core.Identity.IIdentityLedger>();
        await chain.SuspendAsync(id, CancellationToken.None);
        var refused = await Eventually.UntilAsync(() => flows.TokenAsync(Refresh(tokens)), t => t.TryGetProperty("error", out _));
        Assert.Equal("invalid_grant", refused.GetProperty("error").GetString());
        Assert.Contains("chain", refused.GetProperty("error_description").GetString(), StringComparison.Ordinal);

        await chain.ReinstateAsync(id, CancellationToken.None);
        var again = await Eventually.UntilAsync(() => flows.TokenAsync(Refresh(tokens)), t => t.TryGetProperty("access_token", out _));
        Assert.True(again.TryGetProperty("access_token", out _), again.ToString());
    }

    [Fact]
    public async Task The_cli_signs_in_with_the_device_flow()
    {
        var (id, userName) = await UserAsync("operator@t-cli");
        var flows = new OidcFlows(fixture.Server.Address);
        using var started = await Api.PostAsync("connect/device", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "sankofa-cli", ["scope"] = "openid sankofa offline_access",
        }));
        var device = await started.Content.ReadFromJsonAsync<JsonElement>();
        var userCode = device.GetProperty("user_code").GetString()!;
        var poll = new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code", ["client_id"] = "sankofa-cli", ["device_code"] = device.GetProperty("device_code").GetString()!,
        };

        // The user opens the verification page, signs in, and approves the code the CLI shows.
        var verify = "/connect/verify?user_code=" + Uri.EscapeDataString(userCode);
        using (var signedIn = await flows.SignInAsync(verify, userName, Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        var token = await flows.FormAsync(verify.TrimStart('/'));
        using (var approved = await flows.PostFormAsync(verify.TrimStart('/'), new() { ["__RequestVerificationToken"] = token, ["user_code"] = userCode, ["decision"] = "approve" }))
        {
            Assert.True(approved.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, $"{(int)approved.StatusCode}: {await approved.Content.ReadAsStringAsync()}");
        }

        var tokens = await flows.TokenAsync(poll);
        Assert.Equal(id, OidcFlows.Claims(tokens.GetProperty("access_token").GetString()!).GetProperty("sub").GetString());
        Assert.True(tokens.TryGetProperty("refresh_token", out _), tokens.ToString());

        // A device code is good once.
        Assert.Equal("invalid_grant", (await flows.TokenAsync(poll)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_service_gets_a_token_with_its_client_credentials_and_not_with_a_wrong_secret()
    {
        using var created = await Api.PostAsJsonAsync("api/v1/identities/services", new { clientId = "agent-" + Guid.NewGuid().ToString("N")[..8], roles = new[] { "site-agent@edge-001" } });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.IsSuccessStatusCode, body.ToString());
        var id = body.GetProperty("identity").GetProperty("id").GetString()!;
        var secret = body.GetProperty("clientSecret").GetString()!;
        var flows = new OidcFlows(fixture.Server.Address);

        var tokens = await Eventually.UntilAsync(
            () => flows.TokenAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = id, ["client_secret"] = secret, ["scope"] = "sankofa" }),
            t => t.TryGetProperty("access_token", out _));
        var claims = OidcFlows.Claims(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal(id, claims.GetProperty("sub").GetString());
        Assert.Equal("site-agent@edge-001", claims.GetProperty("role").GetString());

        var wrong = await flows.TokenAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = id, ["client_secret"] = secret + "x", ["scope"] = "sankofa" });
        Assert.Equal("invalid_client", wrong.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_first_administrator_must_change_the_one_time_password_before_anything_else()
    {
        var file = Path.Combine(fixture.Server.DataDirectory, "initial-admin-password");
        var oneTime = (await File.ReadAllTextAsync(file)).Trim();
        var flows = new OidcFlows(fixture.Server.Address);

        using var signedIn = await flows.SignInAsync("/connect/signed-in", "admin", oneTime);
        var page = await signedIn.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Contains("Choose a new password", page, StringComparison.Ordinal);

        var token = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);
        using var changed = await flows.PostFormAsync("connect/password", new()
        {
            ["__RequestVerificationToken"] = token, ["returnUrl"] = "/connect/signed-in", ["username"] = "admin",
            ["currentPassword"] = oneTime, ["newPassword"] = "a much longer admin password", ["confirmPassword"] = "a much longer admin password",
        });
        Assert.True(changed.StatusCode == HttpStatusCode.Redirect, $"{(int)changed.StatusCode}: {await changed.Content.ReadAsStringAsync()}");
        Assert.False(File.Exists(file));

        var tokens = await new OidcFlows(fixture.Server.Address).AuthorizationCodeAsync("admin", "a much longer admin password");
        Assert.Equal("platform-admin", OidcFlows.Claims(tokens.GetProperty("access_token").GetString()!).GetProperty("role").GetString());
    }

    [Fact]
    public async Task Guessing_a_password_is_throttled()
    {
        var (_, userName) = await UserAsync("viewer@t-guess");
        var flows = new OidcFlows(fixture.Server.Address);
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await flows.SignInAsync("/connect/signed-in", userName, "wrong password " + i);
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        // Even the right password is not looked at now.
        using var throttled = await flows.SignInAsync("/connect/signed-in", userName, Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter);
    }

    private Task<(string Id, string UserName)> UserAsync(string role) => TestIdentities.UserAsync(fixture.Server, role, Password);

    private async Task PostAsync(string path)
    {
        using var response = await Api.PostAsync(path, null);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static Dictionary<string, string> Refresh(JsonElement tokens) => new()
    {
        ["grant_type"] = "refresh_token", ["client_id"] = "sankofa-portal", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
    };
}
