using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace Sankofa.Bench.Harness;

/// <summary>
/// The platform-admin client every benchmark server starts with (<c>Oidc:BootstrapClientId</c>), and its token from
/// the server's own issuer: the benchmarks call the API as a signed-in administrator, as real clients do.
/// </summary>
internal static class BenchAdmin
{
    public const string ClientId = "bench-bootstrap";

    private static readonly string Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static IEnumerable<KeyValuePair<string, string>> Settings { get; } =
    [
        new("Oidc:BootstrapClientId", ClientId),
        new("Oidc:BootstrapClientSecret", Secret),
    ];

    /// <summary>Puts the administrator's bearer token on every request <paramref name="client"/> sends.</summary>
    public static async Task SignInAsync(HttpClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(client.BaseAddress!, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>A token; waits while the account's registration on chain, which a token needs, is still on its way.</summary>
    public static async Task<string> TokenAsync(Uri server, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            using var response = await http.PostAsync(new Uri("connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = ClientId, ["client_secret"] = Secret, ["scope"] = "sankofa",
            }), cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
            if (body.TryGetProperty("access_token", out var token))
            {
                return token.GetString()!;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The bootstrap client got no token from {server}: {body}");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }
}
