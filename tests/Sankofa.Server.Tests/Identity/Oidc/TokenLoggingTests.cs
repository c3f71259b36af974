using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Server.Tests.Identity.Accounts;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Identity.Oidc;

/// <summary>
/// Every log line a server writes, at every level down to Trace, while tokens are issued, refreshed, sent and refused:
/// none may contain a password, a client secret, an authorization code, an access token or a refresh token.
/// </summary>
public sealed class TokenLoggingTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly LogCapture logs = new();
    private TestServer server = null!;

    public async Task InitializeAsync() => server = await TestServer.StartAsync(
        settings: new Dictionary<string, string?> { ["Oidc:PortalRedirectUris:0"] = OidcFlows.RedirectUri }, configure: logs.AttachTo);

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task No_secret_code_or_token_appears_in_any_log_line_at_any_level()
    {
        var secrets = new List<string> { Password, AdminToken.Secret };
        var (_, userName) = await TestIdentities.UserAsync(server, "viewer@t-logs", Password);

        // The portal's flow: the code travels in a redirect the server logs requests for.
        var flows = new OidcFlows(server.Address);
        var tokens = await flows.AuthorizationCodeAsync(userName, Password);
        var access = tokens.GetProperty("access_token").GetString()!;
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        secrets.AddRange([access, refresh]);
        var renewed = await flows.TokenAsync(new() { ["grant_type"] = "refresh_token", ["client_id"] = "sankofa-portal", ["refresh_token"] = refresh });
        secrets.Add(renewed.GetProperty("access_token").GetString()!);
        secrets.Add(renewed.GetProperty("refresh_token").GetString()!);

        // A service's client credentials, its token used and a tampered one refused.
        using var created = await server.Client.PostAsJsonAsync("api/v1/identities/services", new { clientId = "logs-" + Guid.NewGuid().ToString("N")[..8], roles = new[] { "viewer@t-logs" } });
        var service = await created.Content.ReadFromJsonAsync<JsonElement>();
        var clientId = service.GetProperty("identity").GetProperty("id").GetString()!;
        var clientSecret = service.GetProperty("clientSecret").GetString()!;
        secrets.Add(clientSecret);
        var serviceTokens = await Eventually.UntilAsync(
            () => flows.TokenAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = clientSecret, ["scope"] = "sankofa" }),
            t => t.TryGetProperty("access_token", out _));
        var serviceToken = serviceTokens.GetProperty("access_token").GetString()!;
        secrets.Add(serviceToken);
        using (var me = await TestIdentities.MeAsync(server, serviceToken))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        using (var tampered = await TestIdentities.MeAsync(server, serviceToken[..^4] + "AAAA"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/resources") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", access) } })
        using (var list = await server.Anonymous.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        // Signatures alone (the last part of each JWT) must not show either: half a token is still a token.
        secrets.AddRange(secrets.Where(s => s.Count(c => c == '.') == 2).Select(s => s[(s.LastIndexOf('.') + 1)..]).ToList());
        Assert.True(logs.Lines.Count > 0, "nothing was captured: the capture is not attached");
        var leaks = logs.Containing(secrets);
        Assert.True(leaks.Count == 0, "log lines carry a secret or token:\n" + string.Join('\n', leaks.Take(5).Select(l => l.Length > 400 ? l[..400] : l)));
    }
}
