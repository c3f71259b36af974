using System.Diagnostics;

namespace Sankofa.TestSupport;

/// <summary>
/// Foundry's own <c>cast</c> (the npm package <c>@foundry-rs/cast-linux-amd64</c>, pinned beside anvil): tests check what
/// a third party checks with the tool a third party uses, independent of this project's client code.
/// </summary>
public static class Cast
{
    /// <summary>The binary.</summary>
    public static string Binary => Path.Combine(Repository.Root, "node_modules", "@foundry-rs", "cast-linux-amd64", "bin", "cast");

    /// <summary>Runs <c>cast ARGS</c> and returns its trimmed standard output; a non-zero exit throws with its standard error.</summary>
    public static async Task<string> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cast did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode == 0
            ? (await output).Trim()
            : throw new CastException(process.ExitCode, $"cast {string.Join(' ', args)} exited with {process.ExitCode}: {(await error).Trim()}");
    }
}

/// <summary>cast failed (a reverted call or transaction, say); the message holds its standard error.</summary>
public sealed class CastException(int exitCode, string message) : Exception(message)
{
    /// <summary>cast's exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
