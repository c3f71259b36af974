using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Embedded;

/// <summary>
/// Runs anvil as a child process with its state persisted in <c>ledger/anvil-state.json</c>, watches its memory and
/// liveness, and restarts it (state kept) when it dies or grows past <see cref="LedgerOptions.MemoryLimitMegabytes"/>.
/// The server talks to it over its IPC socket in the data directory. anvil always listens on HTTP as well, and would
/// take its state-changing methods (<c>anvil_setStorageAt</c>, <c>anvil_impersonateAccount</c>) from any local process
/// there; so it runs in a network namespace of its own (<c>unshare --map-root-user --net</c>) where that port is
/// reachable from nowhere, while the socket, a file, is reachable only by the data directory's owner.
/// </summary>
internal sealed partial class EmbeddedChain : IAsyncDisposable
{
    // sun_path holds 108 bytes with its terminating zero.
    private const int MaxSocketPath = 108;
    private readonly LedgerOptions _options;
    private readonly LedgerPaths _paths;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly Queue<string> _outputTail = new();
    private Process? _process;
    private CancellationTokenSource? _watchdogStop;
    private Task? _watchdog;
    private int _restarts;

    public EmbeddedChain(LedgerOptions options, LedgerPaths paths, TimeProvider time, ILogger<EmbeddedChain> logger)
    {
        _options = options;
        _paths = paths;
        _time = time;
        _logger = logger;
        // A socket path longer than sun_path cannot be bound; such a data directory gets its socket in a private
        // (0700) temporary directory instead.
        Socket = Encoding.UTF8.GetByteCount(paths.AnvilSocket) < MaxSocketPath
            ? paths.AnvilSocket
            : Path.Combine(Directory.CreateTempSubdirectory("sankofa-chain-").FullName, "anvil.ipc");
    }

    /// <summary>Path of anvil's IPC socket: the server's only way to the chain (mode 0600), stable across restarts.</summary>
    public string Socket { get; }

    /// <summary>The JSON-RPC endpoint: <see cref="Socket"/> as a file URI, which <see cref="JsonRpcClient"/> reaches over IPC.</summary>
    public Uri Endpoint => new(Socket);

    /// <summary>Number of restarts since start (memory limit or crash).</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>Id of the running anvil process, or null.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Whether anvil found a state file to load at its last start.</summary>
    public bool LoadedState { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LaunchAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }

        _watchdogStop = new CancellationTokenSource();
        _watchdog = Task.Run(() => WatchAsync(_watchdogStop.Token), CancellationToken.None);
    }

    /// <summary>Stops anvil (it writes its state) and starts it again from that state.</summary>
    public async Task RestartAsync(string reason, CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Log.Restarting(_logger, reason);
            await TerminateAsync().ConfigureAwait(false);
            await LaunchAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _restarts);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async Task StopAsync()
    {
        if (_watchdogStop is not null)
        {
            await _watchdogStop.CancelAsync().ConfigureAwait(false);
            if (_watchdog is not null)
            {
                await _watchdog.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            _watchdogStop.Dispose();
            _watchdogStop = null;
        }

        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            await TerminateAsync().ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _lifecycle.Dispose();
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var binary = AnvilLocator.Locate(_options.AnvilPath);
        Directory.CreateDirectory(_paths.LedgerDirectory);
        await StopLeftoverAsync(cancellationToken).ConfigureAwait(false);
        LoadedState = File.Exists(_paths.AnvilState) && new FileInfo(_paths.AnvilState).Length > 0;
        var start = new ProcessStartInfo(_options.IsolateChain ? "unshare" : binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in Arguments(binary))
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        if (!process.Start())
        {
            throw new LedgerConfigurationException("Ledger:AnvilPath", $"anvil at {binary} did not start.", null);
        }

        ChildProcesses.Track(process);
        await File.WriteAllTextAsync(_paths.AnvilPid, process.Id.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Log.Started(_logger, process.Id, Socket, _options.IsolateChain, LoadedState);
        if (!_options.IsolateChain)
        {
            Log.NotIsolated(_logger);
        }

        await WaitUntilAnsweringAsync(process, cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        using var rpc = new JsonRpcClient(Endpoint, _options.RpcTimeout);
        if (LoadedState)
        {
            // A reloaded state can carry pending transactions (anvil has grown past 20 GB re-executing oversized ones);
            // the gateway re-broadcasts whatever it still needs, so start with an empty pool.
            await rpc.CallAsync("anvil_dropAllTransactions", cancellationToken).ConfigureAwait(false);
        }

        // A loaded state file overrides --gas-limit, so set it again.
        await rpc.CallAsync("evm_setBlockGasLimit", cancellationToken, Hex.Quantity(_options.BlockGasLimit)).ConfigureAwait(false);
    }

    /// <summary>
    /// A host killed with SIGKILL cannot stop its anvil, which then keeps running and keeps writing the same state file.
    /// Stop it (SIGTERM: it writes its newest state on the way out) before starting the next one on that file.
    /// </summary>
    private async Task StopLeftoverAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_paths.AnvilPid)
            || !int.TryParse(await File.ReadAllTextAsync(_paths.AnvilPid, cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture, out var pid))
        {
            return;
        }

        string commandLine;
        try
        {
            commandLine = (await File.ReadAllTextAsync($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline", cancellationToken).ConfigureAwait(false)).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return; // not running (or not Linux): nothing to stop
        }

        // Only an anvil on this very state file: the pid may since have been reused by an unrelated process.
        if (!commandLine.Contains("anvil", StringComparison.Ordinal) || !commandLine.Contains(_paths.AnvilState, StringComparison.Ordinal))
        {
            return;
        }

        using var leftover = Process.GetProcessById(pid);
        Log.StoppingLeftover(_logger, pid);
        ChildProcesses.Terminate(leftover);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await leftover.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            leftover.Kill();
        }
    }

    private IEnumerable<string> Arguments(string binary)
    {
        if (_options.IsolateChain)
        {
            // A user namespace lets an unprivileged user have a network namespace; anvil keeps the caller's uid.
            yield return "--map-root-user";
            yield return "--net";
            yield return binary;
        }

        yield return "--ipc";
        yield return Socket;
        // The HTTP listener anvil always opens: on a port chosen by the system, without CORS, and (isolated) unreachable.
        yield return "--host";
        yield return "127.0.0.1";
        yield return "--port";
        yield return "0";
        yield return "--no-cors";
        yield return "--chain-id";
        yield return _options.ChainId.ToString(CultureInfo.InvariantCulture);
        yield return "--gas-limit";
        yield return _options.BlockGasLimit.ToString(CultureInfo.InvariantCulture);
        yield return "--state";
        yield return _paths.AnvilState;
        yield return "--state-interval";
        yield return Math.Max(1, _options.StateIntervalSeconds).ToString(CultureInfo.InvariantCulture);
        // One dev account only: the control plane funds its own key and never uses anvil's well-known keys.
        yield return "--accounts";
        yield return "1";
        yield return "--silent";
        // Sankofa reads only recent states. Without this, anvil writes older blocks' states to files under
        // ~/.foundry/anvil/tmp that it never removes: a benchmark's 10,000 VMs left tens of gigabytes there. Without the
        // number, calls on "latest" fail now and then while a block is being mined (measured: 134 of 1,571).
        yield return "--prune-history";
        yield return "64";
        if (_options.BlockTimeSeconds is > 0 and var seconds)
        {
            yield return "--block-time";
            yield return seconds.ToString(CultureInfo.InvariantCulture);
        }
    }

    private async Task WaitUntilAnsweringAsync(Process process, CancellationToken cancellationToken)
    {
        using var rpc = new JsonRpcClient(Endpoint, TimeSpan.FromSeconds(2));
        var deadline = _time.GetUtcNow() + _options.StartupTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                ChildProcesses.Forget(process);
                throw _options.IsolateChain
                    ? new LedgerConfigurationException(
                        "Ledger:IsolateChain",
                        $"anvil, started in a network namespace of its own (unshare --map-root-user --net), exited with code {process.ExitCode} at start: {OutputTail()}. "
                        + "Where user namespaces are not allowed (some containers), set Ledger:IsolateChain to false; anvil's HTTP port is then reachable from this host.",
                        null)
                    : new LedgerConfigurationException("Ledger:AnvilPath", $"anvil exited with code {process.ExitCode} at start: {OutputTail()}", null);
            }

            try
            {
                await rpc.CallAsync("eth_chainId", cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (LedgerUnavailableException) when (_time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (LedgerUnavailableException ex)
            {
                await TerminateAsync().ConfigureAwait(false);
                throw new LedgerUnavailableException($"anvil did not answer within {_options.StartupTimeout}: {OutputTail()}", ex);
            }
        }
    }

    private async Task TerminateAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                // SIGTERM lets anvil write its state file; kill only if it does not exit in time.
                ChildProcesses.Terminate(process);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Log.KilledAfterTimeout(_logger, process.Id);
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }

            Log.Stopped(_logger, process.Id);
        }
        finally
        {
            ChildProcesses.Forget(process);
            process.Dispose();
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.HealthCheckInterval, _time, cancellationToken).ConfigureAwait(false);
                var process = _process;
                if (process is null)
                {
                    continue;
                }

                if (process.HasExited)
                {
                    Log.ExitedUnexpectedly(_logger, process.ExitCode, OutputTail());
                    await RestartAsync("anvil exited", cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var rssMegabytes = ReadRssMegabytes(process.Id);
                if (rssMegabytes > _options.MemoryLimitMegabytes)
                {
                    Log.OverMemoryLimit(_logger, rssMegabytes, _options.MemoryLimitMegabytes);
                    await RestartAsync("memory limit", cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is LedgerUnavailableException or LedgerConfigurationException or IOException or InvalidOperationException)
            {
                Log.WatchdogFailed(_logger, ex);
            }
        }
    }

    /// <summary>Resident set size from /proc, in MiB; 0 when unavailable (not Linux, process gone).</summary>
    internal static long ReadRssMegabytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                    return kb / 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputTail)
        {
            _outputTail.Enqueue(line);
            while (_outputTail.Count > 20)
            {
                _outputTail.Dequeue();
            }
        }
    }

    private string OutputTail()
    {
        lock (_outputTail)
        {
            return string.Join(" | ", _outputTail);
        }
    }
}
