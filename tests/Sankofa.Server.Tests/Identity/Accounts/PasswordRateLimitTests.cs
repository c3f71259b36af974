using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Identity.Accounts;

/// <summary>
/// The anonymous password checks are limited per client address, whatever the names tried: past the limit every one of
/// them (API password change, the issuer's sign-in and password forms) answers 429 ProblemDetails with Retry-After.
/// </summary>
public sealed class PasswordRateLimitTests(RateLimitFixture fixture) : IClassFixture<RateLimitFixture>
{
    [Fact]
    public async Task Many_password_checks_from_one_address_get_a_429_problem_with_retry_after()
    {
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await ChangePasswordAsync("nobody" + Guid.NewGuid().ToString("N")[..8]);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var limited = await ChangePasswordAsync("nobody" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        var problem = await limited.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());

        foreach (var form in new[] { "connect/login", "connect/password" })
        {
            using var signIn = await fixture.Server.Anonymous.PostAsync(form, new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "admin", ["password"] = "guess" }));
            Assert.Equal(HttpStatusCode.TooManyRequests, signIn.StatusCode);
            Assert.NotNull(signIn.Headers.RetryAfter);
        }
    }

    private Task<HttpResponseMessage> ChangePasswordAsync(string userName) =>
        fixture.Server.Anonymous.PostAsJsonAsync("api/v1/identities/password",
            new { userName, currentPassword = "a wrong guess of a password", newPassword = "another long enough password" });
}
