using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Identity;

/// <summary>Users made through the identity API, waited for until the chain lists them as active (registration is an outbox).</summary>
internal static class TestIdentities
{
    public static async Task<(string Id, string UserName)> UserAsync(TestServer server, string role, string password)
    {
        var userName = "u" + Guid.NewGuid().ToString("N")[..10];
        using var created = await server.Client.PostAsJsonAsync("api/v1/identities/users", new { userName, password, roles = new[] { role } });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.IsSuccessStatusCode, body.ToString());
        var id = body.GetProperty("identity").GetProperty("id").GetString()!;

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!IsActiveOnChain(await server.Client.GetFromJsonAsync<JsonElement>($"api/v1/identities/{id}")))
        {
            Assert.True(DateTime.UtcNow < deadline, $"identity {id} not registered on chain in time");
            await Task.Delay(200);
        }

        return (id, userName);
    }

    /// <summary><c>GET /api/v1/me</c> with a bearer token.</summary>
    public static async Task<HttpResponseMessage> MeAsync(TestServer server, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/me");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await server.Client.SendAsync(request);
    }

    private static bool IsActiveOnChain(JsonElement identity) =>
        identity.TryGetProperty("onChain", out var chain) && chain.ValueKind == JsonValueKind.Object
        && chain.TryGetProperty("status", out var status) && string.Equals(status.GetString(), "active", StringComparison.OrdinalIgnoreCase);
}
