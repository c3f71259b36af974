using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Sankofa.TestSupport;

/// <summary>
/// The platform-admin service account every test and benchmark server starts with (<c>Oidc:BootstrapClientId</c>, the
/// operators' way to automate a fresh installation), and the client-credentials token it gets from the server's own
/// issuer. Tests and benchmarks call the API as this administrator unless they ask for another caller or none.
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

    /// <summary>A token from <paramref name="server"/>'s issuer, waiting while the account's registration on chain is on its way.</summary>
    public static Task<(string Token, DateTimeOffset ExpiresAt)> RequestAsync(Uri server, CancellationToken cancellationToken = default) =>
        ClientCredentials.RequestAsync(server, ClientId, Secret, cancellationToken);

    /// <summary>Puts the administrator's bearer token on every request <paramref name="client"/> sends (for a run shorter than the token's life).</summary>
    public static async Task SignInAsync(HttpClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (token, _) = await RequestAsync(client.BaseAddress!, cancellationToken);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
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
