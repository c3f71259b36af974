using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Sankofa.TestSupport;

/// <summary>
/// An anvil node the test owns, standing in for an external chain (Besu in production): Sankofa is pointed at it
/// with Ledger:RpcUrl, and the test stops, restarts or rewinds it. Zero gas price, so the server's key needs no funds.
/// </summary>
public sealed class ExternalAnvil : IAsyncDisposable
{
    private readonly string[] chainArgs;
    private Process? process;

    private ExternalAnvil(int port, string[] chainArgs)
    {
        Port = port;
        this.chainArgs = chainArgs;
    }

    public int Port { get; }

    public Uri RpcUrl => new($"http://127.0.0.1:{Port}/");

    public static async Task<ExternalAnvil> StartAsync(string directory)
    {
        var anvil = new ExternalAnvil(FreePort.Next(),
        [
            "--chain-id", "31337", "--gas-price", "0", "--base-fee", "0", "--disable-min-priority-fee", "--gas-limit", "1000000000",
            "--state", Path.Combine(directory, "external-anvil-state.json"), "--state-interval", "1",
        ]);
        await anvil.RestartAsync();
        return anvil;
    }

    /// <summary>
    /// A node started from a genesis file (<c>anvil --init</c>): its chain id, balances and base fee come from the file
    /// (anvil's own account is funded beside them). anvil keeps no state file with a genesis: a restart starts over.
    /// </summary>
    public static async Task<ExternalAnvil> StartFromGenesisAsync(string genesisFile)
    {
        var anvil = new ExternalAnvil(FreePort.Next(), ["--init", genesisFile]);
        await anvil.RestartAsync();
        return anvil;
    }

    /// <summary>Starts the node again on the same port (and state file, unless it started from a genesis).</summary>
    public async Task RestartAsync()
    {
        var start = new ProcessStartInfo(Repository.Anvil) { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] args = ["--host", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. chainArgs, "--accounts", "1", "--silent"];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await CallAsync("eth_chainId");
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Stops the node the way an operator or a crash would (SIGTERM: anvil writes its state on the way out).</summary>
    public async Task StopAsync()
    {
        if (process is null)
        {
            return;
        }

        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
        }

        process.Dispose();
        process = null;
    }

    public async Task<JsonElement> CallAsync(string method, params object[] parameters)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.PostAsJsonAsync(RpcUrl, new { jsonrpc = "2.0", id = 1, method, @params = parameters });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (body.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"{method}: {error}");
        }

        return body.GetProperty("result").Clone();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
