using System.Net;
using Sankofa.Server.Tests.Identity.Oidc;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Identity.Access;

/// <summary>A token the API remembers as validated is refused once it expires: the memory never outlives the token.</summary>
public sealed class TokenExpiryTests
{
    [Fact]
    public async Task A_remembered_token_is_refused_once_it_expires()
    {
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Oidc:PortalRedirectUris:0"] = OidcFlows.RedirectUri,
            ["Oidc:AccessTokenLifetime"] = "00:00:03",
        });
        var (_, userName) = await TestIdentities.UserAsync(server, "viewer@t-expiry", "correct horse battery staple");
        var token = (await new OidcFlows(server.Address).AuthorizationCodeAsync(userName, "correct horse battery staple")).GetProperty("access_token").GetString()!;

        // Accepted (and remembered) while valid, asked twice so the second answer comes from memory.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, token));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(server, token));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        while ((status = await StatusAsync(server, token)) == HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    private static async Task<HttpStatusCode> StatusAsync(TestServer server, string token)
    {
        using var response = await TestIdentities.MeAsync(server, token);
        return response.StatusCode;
    }
}
