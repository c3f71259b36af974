using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Server.Identity.Accounts;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Identity.Accounts;

/// <summary>
/// One server on the embedded chain for the identity API tests, with every log line captured and every secret the API
/// handed out remembered, so each test can prove none of them was logged. Throttling waits a second, not a minute.
/// </summary>
public sealed class IdentityFixture : IAsyncLifetime
{
    public static readonly Dictionary<string, string?> FastThrottle = new()
    {
        ["Identity:Accounts:ThrottleDelay"] = "00:00:01",
        ["Identity:Accounts:MaxThrottleDelay"] = "00:00:04",
        ["Identity:Accounts:ChainMinRetryDelay"] = "00:00:00.200",
        ["Identity:Accounts:ChainMaxRetryDelay"] = "00:00:01",
    };

    public LogCapture Logs { get; } = new();

    public ConcurrentBag<string> Secrets { get; } = [];

    public TestServer Server { get; private set; } = null!;

    public HttpClient Client => Server.Client;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(settings: FastThrottle, configure: Logs.AttachTo);

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Creates a user through the API and remembers the secrets it returned.</summary>
    public async Task<CreatedIdentityResponse> CreateUserAsync(string userName, string? password, params string[] roles)
    {
        if (password is not null)
        {
            Secrets.Add(password);
        }

        using var response = await Client.PostAsJsonAsync("api/v1/identities/users", new { userName, password, roles });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return Remember((await response.Content.ReadFromJsonAsync<CreatedIdentityResponse>(Json.Options))!);
    }

    public async Task<CreatedIdentityResponse> CreateServiceAsync(string clientId, params string[] roles)
    {
        using var response = await Client.PostAsJsonAsync("api/v1/identities/services", new { clientId, roles });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return Remember((await response.Content.ReadFromJsonAsync<CreatedIdentityResponse>(Json.Options))!);
    }

    public CreatedIdentityResponse Remember(CreatedIdentityResponse created)
    {
        Secrets.Add(created.ControllerPrivateKey);
        Secrets.Add(created.ControllerPrivateKey[2..]);
        foreach (var secret in new[] { created.Password, created.ClientSecret }.OfType<string>())
        {
            Secrets.Add(secret);
        }

        return created;
    }

    /// <summary>Fails naming the first log line that carries a password, secret or private key handed out so far.</summary>
    public void AssertNoSecretLogged()
    {
        var leaks = Logs.Containing(Secrets);
        Assert.True(leaks.Count == 0, "A secret was logged: " + leaks.FirstOrDefault());
        Assert.True(Logs.Lines.Count > 0, "nothing was captured: the capture is not attached");
    }
}

/// <summary>Polling helpers for what the chain worker does in the background.</summary>
public static class IdentityPolling
{
    /// <summary>Reads the identity until no chain step waits, and returns it.</summary>
    public static async Task<IdentityResponse> WaitRecordedAsync(HttpClient client, string id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var identity = (await client.GetFromJsonAsync<IdentityResponse>($"api/v1/identities/{id}", Json.Options))!;
            if (identity.Chain.Pending == 0)
            {
                return identity;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"identity {id} still has {identity.Chain.Pending} pending chain step(s): {identity.OnChainError}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The audit actions recorded about an identity, oldest first.</summary>
    public static async Task<List<string>> AuditActionsAsync(HttpClient client, string id)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"api/v1/audit/entries?subject=identity:{id}&limit=1000", Json.Options);
        return [.. page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).Reverse()];
    }

    /// <summary>The problem's field errors.</summary>
    public static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json.Options);
        return problem.TryGetProperty("errors", out var errors)
            ? errors.Deserialize<Dictionary<string, string[]>>(Json.Options)!
            : [];
    }
}
