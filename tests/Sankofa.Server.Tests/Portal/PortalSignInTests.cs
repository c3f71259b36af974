using System.Net;
using Sankofa.Server.Tests.Identity;
using Sankofa.Server.Tests.Identity.Oidc;

namespace Sankofa.Server.Tests.Portal;

/// <summary>Where the portal's sign-in leads, over real HTTP: only to a path of this server.</summary>
public sealed class PortalSignInTests(IssuerFixture fixture) : IClassFixture<IssuerFixture>
{
    private const string Password = "correct horse battery staple";

    [Theory]
    [InlineData("returnUrl=%2Fresources", "/resources")]
    [InlineData("returnUrl=/%09/evil.example", "/")]
    [InlineData("returnUrl=/%0A/evil.example", "/")]
    [InlineData("returnUrl=%2F%2Fevil.example", "/")]
    [InlineData("returnUrl=https%3A%2F%2Fevil.example", "/")]
    public async Task A_sign_in_returns_only_to_a_path_of_this_server(string query, string landing)
    {
        var (_, userName) = await TestIdentities.UserAsync(fixture.Server, "viewer@t-return", Password);
        using var browser = new PortalHttpBrowser(fixture.Server.Address);

        using var signedIn = await browser.SignInAsync(query, userName, Password);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(landing, signedIn.Headers.Location?.OriginalString);
    }
}
