using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>
/// The server as its own operating-system process (the built Sankofa.Server next to the tests), so a test can kill
/// it with SIGKILL mid-flight and start it again on the same data directory.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;

    private ServerProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
        Client = AdminToken.Client(address, TimeSpan.FromSeconds(30));
        Anonymous = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    /// <summary>Calls as the platform administrator (the bootstrap client), unless a request carries its own Authorization.</summary>
    public HttpClient Client { get; }

    /// <summary>Calls without any token.</summary>
    public HttpClient Anonymous { get; }

    public static async Task<ServerProcess> StartAsync(string dataDirectory, int? port = null, IDictionary<string, string>? settings = null)
    {
        port ??= FreePort();
        var address = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Sankofa.Server.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        start.Environment["DataDirectory"] = dataDirectory;
        start.Environment["Audit__IdleDelay"] = "00:00:00.050";
        foreach (var (key, value) in AdminToken.Settings.Concat(settings ?? new Dictionary<string, string>()))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, address);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"server exited with {process.ExitCode}:\n" + string.Join('\n', output));
            }

            try
            {
                using var ready = await server.Anonymous.GetAsync("readyz");
                if (ready.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("server did not become ready:\n" + string.Join('\n', output));
            }

            await Task.Delay(100);
        }
    }

    public int Port => Address.Port;

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
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
