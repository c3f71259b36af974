using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Identity.Oidc;

/// <summary>The embedded issuer describes itself (discovery, JWKS) and starts a device sign-in for the CLI.</summary>
public sealed class IssuerDiscoveryTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task The_discovery_document_names_the_endpoints_flows_and_keys()
    {
        var discovery = await Client.GetFromJsonAsync<JsonElement>(".well-known/openid-configuration");
        var issuer = discovery.GetProperty("issuer").GetString()!;
        Assert.StartsWith(fixture.Server.Address.ToString().TrimEnd('/'), issuer, StringComparison.Ordinal);
        foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "device_authorization_endpoint", "end_session_endpoint", "jwks_uri" })
        {
            Assert.True(discovery.TryGetProperty(endpoint, out _), endpoint);
        }

        Assert.Equal(
            ["authorization_code", "client_credentials", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
            discovery.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains("S256", discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(m => m.GetString()));

        var jwks = await Client.GetFromJsonAsync<JsonElement>(new Uri(discovery.GetProperty("jwks_uri").GetString()!));
        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.False(key.TryGetProperty("d", out _), "the JWKS must not publish the private key");
    }

    [Fact]
    public async Task The_cli_can_start_a_device_sign_in_and_an_unknown_client_cannot()
    {
        using var started = await Client.PostAsync("connect/device", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "sankofa-cli", ["scope"] = "openid sankofa offline_access",
        }));
        var body = await started.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("user_code").GetString()));
        Assert.Contains("/connect/verify", body.GetProperty("verification_uri").GetString(), StringComparison.Ordinal);

        // Not yet approved: the CLI is told to keep polling.
        using var pending = await Client.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code", ["client_id"] = "sankofa-cli", ["device_code"] = body.GetProperty("device_code").GetString()!,
        }));
        Assert.Equal("authorization_pending", (await pending.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        using var unknown = await Client.PostAsync("connect/device", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = "nobody" }));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal("invalid_client", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }
}
