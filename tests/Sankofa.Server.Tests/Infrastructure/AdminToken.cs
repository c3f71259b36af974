using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>
/// The platform-admin service account every test server starts with (<c>Oidc:BootstrapClientId</c>, the operators'
/// way to automate a fresh installation), and the client-credentials token it gets from the server's own issuer. Tests
/// call the API as this administrator unless they ask for another caller or none.
/// </summary>
public static class AdminToken
{
    public const string ClientId = "test-bootstrap";

    /// <summary>One secret for the test run; never a constant, so no server outside the tests accepts it.</summary>
    public static readonly string Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static IEnumerable<KeyValuePair<string, string>> Settings { get; } =
    [
        new("Oidc:BootstrapClientId", ClientId),
        new("Oidc:BootstrapClientSecret", Secret),
    ];

    /// <summary>
    /// A token from <paramref name="server"/>'s issuer. Waits while the issuer refuses one: the account's registration
    /// on chain, which a token needs, follows its creation by a moment.
    /// </summary>
    public static async Task<(string Token, DateTimeOffset ExpiresAt)> RequestAsync(Uri server, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            using var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = ClientId, ["client_secret"] = Secret, ["scope"] = "sankofa",
            }), cancellationToken);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (body.TryGetProperty("access_token", out var token))
            {
                return (token.GetString()!, DateTimeOffset.UtcNow.AddSeconds(body.GetProperty("expires_in").GetInt32()));
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the bootstrap client got no token from {server}: {body}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>An HTTP client that sends the administrator's token on every request that carries no Authorization of its own.</summary>
    public static HttpClient Client(Uri server, TimeSpan timeout) => new(new Handler(server)) { BaseAddress = server, Timeout = timeout };

    private sealed class Handler(Uri server) : DelegatingHandler(new HttpClientHandler())
    {
        private readonly SemaphoreSlim gate = new(1, 1);
        private (string Token, DateTimeOffset ExpiresAt)? current;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken));
            return await base.SendAsync(request, cancellationToken);
        }

        private async Task<string> TokenAsync(CancellationToken cancellationToken)
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                if (current is not { } token || token.ExpiresAt < DateTimeOffset.UtcNow.AddMinutes(1))
                {
                    current = token = await RequestAsync(server, cancellationToken);
                }

                return token.Token;
            }
            finally
            {
                gate.Release();
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                gate.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
