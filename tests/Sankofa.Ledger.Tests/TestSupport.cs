using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Hosting;

namespace Sankofa.Ledger.Tests;

/// <summary>A throw-away data directory, deleted at the end of the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sankofa-ledger-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string LedgerDirectory => System.IO.Path.Combine(Path, "ledger");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Collects every formatted log message (all levels) so tests can check what was, and was not, logged.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose() { }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = $"{category} {logLevel}: {formatter(state, exception)} {exception}";
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                text += " " + string.Join(" ", values.Select(v => $"{v.Key}={v.Value}"));
            }

            owner.Messages.Enqueue(text);
        }
    }
}

/// <summary>
/// The ledger as the host wires it (AddSankofaLedger + the hosted service), on a real anvil over real JSON-RPC.
/// Disposing stops anvil.
/// </summary>
internal sealed class LedgerHost : IAsyncDisposable
{
    private LedgerHost(ServiceProvider services, LedgerInitializer initializer, CapturingLoggerProvider logs)
    {
        Services = services;
        Initializer = initializer;
        Logs = logs;
    }

    public ServiceProvider Services { get; }

    public LedgerInitializer Initializer { get; }

    public CapturingLoggerProvider Logs { get; }

    public IAuditAnchorLedger Ledger => Services.GetRequiredService<IAuditAnchorLedger>();

    public ILedgerStatus Status => Services.GetRequiredService<ILedgerStatus>();

    public IChainRecovery Recovery => Services.GetRequiredService<IChainRecovery>();

    public LedgerConnection Connection => Services.GetRequiredService<LedgerRuntime>().Connection;

    /// <summary>Builds the container; <paramref name="start"/> false lets a test call StartAsync itself to observe failures.</summary>
    public static async Task<LedgerHost> CreateAsync(string dataDirectory, IDictionary<string, string?>? settings = null, bool start = true)
    {
        var values = new Dictionary<string, string?>
        {
            ["DataDirectory"] = dataDirectory,
            ["Ledger:StateIntervalSeconds"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs))
            .AddSankofaLedger(configuration)
            .BuildServiceProvider();
        var host = new LedgerHost(services, services.GetRequiredService<LedgerInitializer>(), logs);
        if (start)
        {
            try
            {
                await host.Initializer.StartAsync(CancellationToken.None);
            }
            catch
            {
                await host.DisposeAsync();
                throw;
            }
        }

        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await Initializer.StopAsync(CancellationToken.None);
        await Services.DisposeAsync();
    }
}

internal static class Roots
{
    /// <summary>A deterministic, non-zero 32-byte root for a batch (salted so tests can make "different" roots).</summary>
    public static byte[] For(long batchId, int salt = 0)
    {
        var root = System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes((batchId * 7919) + salt));
        root[0] |= 1;
        return root;
    }

    public static AnchorRequest Request(long batchId, int salt = 0) => new(batchId, For(batchId, salt), batchId * 100, 100);
}

internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "package.json")) && Directory.Exists(System.IO.Path.Combine(dir.FullName, "contracts")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root (package.json + contracts/) not found above " + AppContext.BaseDirectory);
    }
}
