using System.Net.Http.Json;
using System.Text.Json;

namespace Sankofa.TestSupport;

/// <summary>The OAuth client-credentials grant against a server's own issuer, as a service account signs in.</summary>
public static class ClientCredentials
{
    /// <summary>
    /// A token for the client. Waits (up to 90 s) while the issuer refuses one: the account's registration on chain,
    /// which a token needs, follows its creation by a moment.
    /// </summary>
    public static async Task<(string Token, DateTimeOffset ExpiresAt)> RequestAsync(Uri server, string clientId, string secret, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            using var response = await http.PostAsync(new Uri("connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret, ["scope"] = "sankofa",
            }), cancellationToken);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (body.TryGetProperty("access_token", out var token))
            {
                return (token.GetString()!, DateTimeOffset.UtcNow.AddSeconds(body.GetProperty("expires_in").GetInt32()));
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"client {clientId} got no token from {server}: {body}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
