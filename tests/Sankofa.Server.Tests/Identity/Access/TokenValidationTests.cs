using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Sankofa.Core.Identity;
using Sankofa.Server.Tests.Identity.Oidc;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Identity.Access;

/// <summary>
/// Bearer tokens at the API (<c>GET /api/v1/me</c>): a real token of the embedded issuer is accepted while the chain
/// lists its identity as active; tampered, expired, wrong-audience, wrong-issuer, foreign-key and unsigned tokens are
/// refused with 401. The bad tokens are made from a real one, re-signed with the issuer's own key from its data
/// directory, so each differs from an accepted token in exactly the property under test.
/// </summary>
public sealed class TokenValidationTests(IssuerFixture fixture) : IClassFixture<IssuerFixture>
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task A_valid_token_names_the_caller_and_no_token_is_refused()
    {
        var (id, token) = await SignedInAsync("viewer@t-me");

        using (var anonymous = await fixture.Server.Anonymous.GetAsync("api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using var me = await TestIdentities.MeAsync(fixture.Server, token);
        var body = await me.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(id, body.GetProperty("id").GetString());
        Assert.Equal(["viewer@t-me"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("ResourcesRead", body.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.DoesNotContain("ResourcesWrite", body.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Tampered_expired_foreign_and_unsigned_tokens_are_refused()
    {
        var (_, token) = await SignedInAsync("operator@t-bad");
        var key = IssuerKey();

        // The control: the real payload re-signed with the real key is accepted, so each refusal below is for its one change.
        Assert.Equal(HttpStatusCode.OK, (await TestIdentities.MeAsync(fixture.Server, Resign(token, key, _ => { }))).StatusCode);

        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("operator@t-bad", "platform-admin", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var cases = new Dictionary<string, string>
        {
            ["tampered"] = tampered,
            ["expired"] = Resign(token, key, p => { p["iat"] = now - 7200; p["nbf"] = now - 7200; p["exp"] = now - 3600; }),
            ["wrong audience"] = Resign(token, key, p => p["aud"] = "someone-else"),
            ["wrong issuer"] = Resign(token, key, p => p["iss"] = "http://issuer.invalid/"),
            ["foreign key"] = Resign(token, new RsaSecurityKey(RSA.Create(2048)) { KeyId = key.KeyId }, _ => { }),
            ["alg none"] = Unsigned(token),
        };

        foreach (var (what, bad) in cases)
        {
            using var refused = await TestIdentities.MeAsync(fixture.Server, bad);
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {(int)refused.StatusCode}");
            Assert.Equal("invalid_token", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task A_valid_token_of_an_identity_the_chain_lists_as_suspended_is_refused()
    {
        var (id, token) = await SignedInAsync("viewer@t-sus");
        var chain = fixture.Server.Services.GetRequiredService<IIdentityLedger>();
        await chain.SuspendAsync(id, CancellationToken.None);

        var refused = await Eventually.UntilAsync(() => TestIdentities.MeAsync(fixture.Server, token), r => r.StatusCode != HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("identity_suspended", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        await chain.ReinstateAsync(id, CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, (await Eventually.UntilAsync(() => TestIdentities.MeAsync(fixture.Server, token), r => r.StatusCode == HttpStatusCode.OK)).StatusCode);
    }

    private async Task<(string Id, string Token)> SignedInAsync(string role)
    {
        var id = await TestIdentities.UserAsync(fixture.Server, role, Password);
        var tokens = await new OidcFlows(fixture.Server.Address).AuthorizationCodeAsync(id.UserName, Password);
        return (id.Id, tokens.GetProperty("access_token").GetString()!);
    }
    private RsaSecurityKey IssuerKey()
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(Path.Combine(fixture.Server.DataDirectory, "oidc", "signing-key.pem")));
        var jwks = fixture.Server.Client.GetFromJsonAsync<JsonElement>(".well-known/jwks").GetAwaiter().GetResult();
        return new RsaSecurityKey(rsa) { KeyId = jwks.GetProperty("keys")[0].GetProperty("kid").GetString() };
    }

    /// <summary>The token's own payload, changed by <paramref name="change"/>, signed RS256 with <paramref name="key"/> and typed as an access token.</summary>
    private static string Resign(string token, SecurityKey key, Action<JsonObject> change)
    {
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[1]))!.AsObject();
        change(payload);
        return new JsonWebTokenHandler().CreateToken(payload.ToJsonString(), new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            new Dictionary<string, object> { ["typ"] = "at+jwt" });
    }

    private static string Unsigned(string token)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"at+jwt"}""");
        return $"{header}.{token.Split('.')[1]}.";
    }
}
