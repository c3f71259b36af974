using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Ledger.Keys;

namespace Sankofa.Cli.Api;

/// <summary>
/// The tokens <c>sankofa login</c> obtained, per server, in <c>$SANKOFA_CONFIG_DIR/credentials.json</c> (default
/// <c>~/.config/sankofa</c>), readable by the owner only. <c>$SANKOFA_TOKEN</c>, when set, is used instead.
/// </summary>
internal static class CliCredentials
{
    /// <summary>The public client the CLI signs in as (device authorization).</summary>
    public const string ClientId = "sankofa-cli";

    private static readonly Lock Gate = new();

    private static string FilePath => Path.Combine(
        Environment.GetEnvironmentVariable("SANKOFA_CONFIG_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "sankofa"),
        "credentials.json");

    public static StoredTokens? Load(Uri server) => LoadAll().GetValueOrDefault(Key(server));

    public static void Save(Uri server, StoredTokens? tokens)
    {
        // Read, change, write: two saves at once in this process (renewals of two servers' tokens) must not lose one.
        lock (Gate)
        {
            SaveLocked(server, tokens);
        }
    }

    private static void SaveLocked(Uri server, StoredTokens? tokens)
    {
        var all = LoadAll();
        if (tokens is null)
        {
            all.Remove(Key(server));
        }
        else
        {
            all[Key(server)] = tokens;
        }

        SecretFile.Write(FilePath, JsonSerializer.Serialize(all, SankofaApiClient.Json));
    }

    /// <summary>Tokens from a token endpoint answer.</summary>
    public static StoredTokens FromAnswer(JsonElement answer, DateTimeOffset now) => new(
        answer.GetProperty("access_token").GetString()!,
        answer.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
        now.AddSeconds(answer.TryGetProperty("expires_in", out var expires) ? expires.GetInt32() : 300));

    private static Dictionary<string, StoredTokens> LoadAll() =>
        File.Exists(FilePath)
            ? JsonSerializer.Deserialize<Dictionary<string, StoredTokens>>(File.ReadAllText(FilePath), SankofaApiClient.Json) ?? []
            : [];

    private static string Key(Uri server) => server.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
}

/// <summary>An access token, the refresh token that renews it, and when the access token expires.</summary>
internal sealed record StoredTokens(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt)
{
    /// <summary>Leaves the tokens out, so an accidental print cannot show them.</summary>
    public override string ToString() => $"StoredTokens(expires {ExpiresAt:u})";
}

/// <summary>
/// Puts the caller's bearer token on every request to the server: <c>$SANKOFA_TOKEN</c>, else the stored one, renewed
/// with its refresh token when it has expired (or is about to).
/// </summary>
internal sealed class BearerTokenHandler(Uri server) : DelegatingHandler(new HttpClientHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null && await TokenAsync(cancellationToken) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>The token the next request would carry (renewed first if it expired), or null when not signed in.</summary>
    public async Task<string?> TokenAsync(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("SANKOFA_TOKEN") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        if (CliCredentials.Load(server) is not { } stored)
        {
            return null;
        }

        if (stored.ExpiresAt > DateTimeOffset.UtcNow.AddSeconds(30) || stored.RefreshToken is null)
        {
            return stored.AccessToken;
        }

        using var refresh = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "connect/token"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token", ["client_id"] = CliCredentials.ClientId, ["refresh_token"] = stored.RefreshToken,
            }),
        };
        using var response = await base.SendAsync(refresh, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // Signed out, suspended or expired for good: send nothing and let the server say 401.
            return null;
        }

        var renewed = CliCredentials.FromAnswer(await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken), DateTimeOffset.UtcNow);
        CliCredentials.Save(server, renewed with { RefreshToken = renewed.RefreshToken ?? stored.RefreshToken });
        return renewed.AccessToken;
    }
}
