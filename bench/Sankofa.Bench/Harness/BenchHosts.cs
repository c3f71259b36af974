using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;
using Sankofa.Ledger;
using Sankofa.Ledger.Hosting;
using Sankofa.Server.Hosting;

namespace Sankofa.Bench.Harness;

/// <summary>The ledger alone, wired as the server wires it (embedded anvil, key, contract, gateway), for chain-only figures.</summary>
internal sealed class LedgerOnlyHost : IAsyncDisposable
{
    private readonly IHost _host;

    private LedgerOnlyHost(IHost host) => _host = host;

    public LedgerConnection Connection => _host.Services.GetRequiredService<LedgerRuntime>().Connection;

    public IServiceProvider Services => _host.Services;

    public static async Task<LedgerOnlyHost> StartAsync(string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration["DataDirectory"] = dataDirectory;
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSankofaLedger(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        return new LedgerOnlyHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }
}

/// <summary>The whole server in this process, built as Program.cs builds it: Kestrel, store, chain and the anchoring worker.</summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the server; on <paramref name="urls"/> when given (a restart on the same address), else on a free loopback port.</summary>
    public static async Task<InProcessServer> StartAsync(string dataDirectory, IDictionary<string, string?> settings, string? urls = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(urls ?? "http://127.0.0.1:0");
        builder.Configuration["DataDirectory"] = dataDirectory;
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        foreach (var (key, value) in AdminToken.Settings)
        {
            builder.Configuration[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        builder.AddSankofaServer();
        var app = builder.Build();
        app.MapSankofaServer();
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InProcessServer(app, new Uri(address + "/"));
    }

    // Idempotent: a benchmark may stop the server early (to restart it on the same data) inside an `await using`.
    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Fresh PostgreSQL databases on the server named by <c>SANKOFA_BENCH_POSTGRES</c> (bench/run.sh starts one).</summary>
internal static class BenchPostgres
{
    public static string? Server => Environment.GetEnvironmentVariable("SANKOFA_BENCH_POSTGRES") is { Length: > 0 } s ? s : null;

    public static async Task<string> CreateDatabaseAsync(string server)
    {
        var name = "sankofa_bench_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }
}

/// <summary>Scratch directories under artifacts/bench (or $TMPDIR), removed unless kept for a later benchmark.</summary>
internal static class Scratch
{
    public static string NewDirectory(string name)
    {
        var root = Environment.GetEnvironmentVariable("SANKOFA_BENCH_WORK") is { Length: > 0 } w ? w : Path.Combine(Path.GetTempPath(), "sankofa-bench");
        var path = Path.Combine(root, $"{name}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
