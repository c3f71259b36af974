using System.Net.Http.Json;
using System.Text.Json;

namespace Sankofa.TestSupport;

/// <summary>Service accounts made through the identity API by an administrator, each with a token of its own.</summary>
public static class ServiceAccounts
{
    /// <summary>
    /// A service account holding <paramref name="role"/> (e.g. <c>operator@acme</c>), created through
    /// <paramref name="administrator"/>, and its client-credentials token once the chain lists it as active.
    /// </summary>
    public static async Task<(string Id, string Token)> CreateAsync(HttpClient administrator, string role, CancellationToken cancellationToken = default)
    {
        var (id, secret) = await CreateClientAsync(administrator, role, cancellationToken);
        var (token, _) = await ClientCredentials.RequestAsync(administrator.BaseAddress!, id, secret, cancellationToken);
        return (id, token);
    }

    /// <summary>
    /// A service account holding <paramref name="role"/>, and its client id and secret (as a process that signs in by
    /// itself needs them), once the chain lists it as active so a token can be had.
    /// </summary>
    public static async Task<(string Id, string Secret)> CreateClientAsync(HttpClient administrator, string role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(administrator);
        var clientId = "m-" + Guid.NewGuid().ToString("N")[..10];
        using var created = await administrator.PostAsJsonAsync("api/v1/identities/services", new { clientId, roles = new[] { role } }, cancellationToken);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"service account with {role} refused ({(int)created.StatusCode}): {body}");
        }

        var id = body.GetProperty("identity").GetProperty("id").GetString()!;
        var secret = body.GetProperty("clientSecret").GetString()!;
        await ClientCredentials.RequestAsync(administrator.BaseAddress!, id, secret, cancellationToken); // waits until the chain lists it
        return (id, secret);
    }
}
