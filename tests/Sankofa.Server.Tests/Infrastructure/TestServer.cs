using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Server.Audit;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>
/// A real Sankofa server in this process: Kestrel on a free loopback port, SQLite and (unless the settings name an
/// RPC URL) the embedded anvil chain under a temporary data directory. Built exactly as Program.cs builds it.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly bool ownsDirectory;

    private TestServer(WebApplication app, string dataDirectory, bool ownsDirectory, Uri address)
    {
        this.app = app;
        this.ownsDirectory = ownsDirectory;
        DataDirectory = dataDirectory;
        Address = address;
        Client = AdminToken.Client(address, TimeSpan.FromSeconds(60));
        Anonymous = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public string DataDirectory { get; }

    public Uri Address { get; }

    /// <summary>Calls as the platform administrator (the bootstrap client), unless a request carries its own Authorization.</summary>
    public HttpClient Client { get; }

    /// <summary>Calls without any token.</summary>
    public HttpClient Anonymous { get; }

    public IServiceProvider Services => app.Services;

    /// <param name="dataDirectory">Where the server keeps its files; null: a temporary directory removed at disposal.</param>
    /// <param name="settings">Configuration on top of the defaults.</param>
    /// <param name="configure">Last changes to the builder, e.g. a logger provider that captures what is logged.</param>
    public static async Task<TestServer> StartAsync(
        string? dataDirectory = null, IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var ownsDirectory = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("sankofa-server-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Test" });
        // A free port unless the settings name one (a server restarted where its clients keep calling).
        builder.WebHost.UseUrls(settings?.TryGetValue("urls", out var urls) == true && urls is not null ? urls : "http://127.0.0.1:0");
        builder.Configuration["DataDirectory"] = dataDirectory;
        builder.Configuration["Audit:IdleDelay"] = "00:00:00.050";
        foreach (var (key, value) in AdminToken.Settings)
        {
            builder.Configuration[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.Configuration[key] = value;
        }

        builder.AddSankofaServer();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapSankofaServer();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, dataDirectory, ownsDirectory, new Uri(address + "/"));
    }

    /// <summary>Calls any method (evm_snapshot, evm_revert, anvil_*) on this server's embedded chain, through its socket.</summary>
    public Task<System.Text.Json.JsonElement> CallChainAsync(string method, params object?[] parameters) =>
        ChainSocket.CallAsync(DataDirectory, method, parameters);

    /// <summary>Records an event as the platform administrator; an <paramref name="actor"/> other than it lands in the payload.</summary>
    public async Task<AuditEntryResponse> RecordAsync(string? actor = null, string action = "test.recorded", string subject = "thing", object? payload = null)
    {
        using var response = await Client.PostAsJsonAsync("api/v1/audit/entries", new { actor, action, subject, payload = payload ?? new { } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AuditEntryResponse>(Json.Options))!;
    }

    /// <summary>Polls until the entry is anchored on chain (the anchorer works in the background).</summary>
    public async Task<AuditEntryResponse> WaitAnchoredAsync(long id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var entry = await Client.GetFromJsonAsync<AuditEntryResponse>($"api/v1/audit/entries/{id}", Json.Options);
            if (entry!.Status == "anchored")
            {
                return entry;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"entry {id} still {entry.Status} after the timeout");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        if (ownsDirectory)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
