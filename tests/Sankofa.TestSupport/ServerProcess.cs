using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Sankofa.TestSupport;

/// <summary>
/// A Sankofa server as its own operating-system process on a loopback port: the built Sankofa.Server next to the tests
/// (so a test can kill it with SIGKILL mid-flight and start it again on the same data), or the built CLI's
/// <c>sankofa up</c> or <c>sankofa server</c> as an operator runs it. It starts with the bootstrap administrator of <see cref="AdminToken"/>;
/// disposing stops it with SIGTERM, so <c>up</c> stops its anvil child and keeps the chain state.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output;

    private ServerProcess(Process process, Uri address, ConcurrentQueue<string> output)
    {
        this.process = process;
        this.output = output;
        Address = address;
        Client = AdminToken.Client(address, TimeSpan.FromSeconds(30));
        Anonymous = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public int Port => Address.Port;

    public int ProcessId => process.Id;

    /// <summary>What the process wrote so far, standard output and error interleaved, one entry per line.</summary>
    public IReadOnlyList<string> Output => [.. output];

    /// <summary>Calls as the platform administrator (the bootstrap client), unless a request carries its own Authorization.</summary>
    public HttpClient Client { get; }

    /// <summary>Calls without any token.</summary>
    public HttpClient Anonymous { get; }

    /// <summary>The Sankofa.Server built next to the calling assembly, on <paramref name="dataDirectory"/>.</summary>
    /// <param name="dataDirectory">Where the server keeps its files.</param>
    /// <param name="port">The port; null: a free one.</param>
    /// <param name="settings">Configuration on top of the defaults.</param>
    /// <param name="readyWithin">How long it may take to answer /readyz; 90 seconds when null (replicas starting together start in turn).</param>
    public static Task<ServerProcess> StartAsync(string dataDirectory, int? port = null, IDictionary<string, string>? settings = null, TimeSpan? readyWithin = null)
    {
        var address = Loopback(port ?? FreePort.Next());
        var environment = new Dictionary<string, string> { ["DataDirectory"] = dataDirectory, ["Audit:IdleDelay"] = "00:00:00.050" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return StartAsync(
            [Path.Combine(AppContext.BaseDirectory, "Sankofa.Server.dll"), "--urls", address.ToString().TrimEnd('/')],
            address, environment, readyWithin ?? TimeSpan.FromSeconds(90), echo: null, CancellationToken.None);
    }

    /// <summary><c>sankofa up</c> of the CLI at <paramref name="cli"/> (the built sankofa.dll) on a free port, logging warnings only, as in production.</summary>
    /// <param name="cli">Path of sankofa.dll.</param>
    /// <param name="dataDirectory">Its data directory.</param>
    /// <param name="echo">Gets each line the process writes to standard error.</param>
    /// <param name="cancellationToken">Stops waiting for it to be ready.</param>
    public static Task<ServerProcess> StartUpAsync(string cli, string dataDirectory, Action<string>? echo, CancellationToken cancellationToken)
    {
        var address = Loopback(FreePort.Next());
        return StartAsync(
            [cli, "up", "--data-dir", dataDirectory, "--urls", address.ToString().TrimEnd('/')],
            address, new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Warning" }, TimeSpan.FromMinutes(2), echo, cancellationToken);
    }

    /// <summary>
    /// <c>sankofa server</c> of the CLI at <paramref name="cli"/> (one replica) on <paramref name="port"/>, with
    /// <paramref name="arguments"/> after <c>--urls</c>, and settings (secrets included) through the environment.
    /// </summary>
    public static Task<ServerProcess> StartReplicaAsync(string cli, int port, IEnumerable<string> arguments, IDictionary<string, string> settings)
    {
        var address = Loopback(port);
        return StartAsync([cli, "server", "--urls", address.ToString().TrimEnd('/'), .. arguments], address, settings, TimeSpan.FromMinutes(2), echo: null, CancellationToken.None);
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a power cut or an OOM kill.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        if (!process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.Dispose();
    }

    private static Uri Loopback(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/>, settings as environment variables, and waits until <c>/readyz</c> answers.</summary>
    private static async Task<ServerProcess> StartAsync(
        IReadOnlyList<string> arguments, Uri address, IDictionary<string, string> settings, TimeSpan readyWithin, Action<string>? echo, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in AdminToken.Settings.Concat(settings))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet " + arguments[0]);
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
                echo?.Invoke(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, address, output);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{arguments[0]} exited with {process.ExitCode}:\n" + string.Join('\n', output));
            }

            try
            {
                using var ready = await server.Anonymous.GetAsync(new Uri("readyz", UriKind.Relative), cancellationToken);
                if (ready.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (waited.Elapsed > readyWithin)
            {
                await server.DisposeAsync();
                throw new TimeoutException($"{arguments[0]} was not ready within {readyWithin}:\n" + string.Join('\n', output));
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
