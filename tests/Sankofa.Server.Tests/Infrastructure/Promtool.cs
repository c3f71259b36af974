using System.ComponentModel;
using System.Diagnostics;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>Runs Prometheus's promtool (Debian's prometheus package, installed by scripts/prometheus.sh).</summary>
internal static class Promtool
{
    /// <summary>Runs promtool with <paramref name="arguments"/> in <paramref name="directory"/>, writing <paramref name="input"/> to its standard input.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, string? input = null, string? directory = null)
    {
        Process promtool;
        try
        {
            var start = new ProcessStartInfo("promtool", arguments)
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            if (directory is not null)
            {
                start.WorkingDirectory = directory;
            }

            promtool = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("promtool is not installed: run scripts/prometheus.sh (test.sh does) to install Debian's prometheus package.", ex);
        }

        using (promtool)
        {
            var stdout = promtool.StandardOutput.ReadToEndAsync();
            var stderr = promtool.StandardError.ReadToEndAsync();
            if (input is not null)
            {
                await promtool.StandardInput.WriteAsync(input);
            }

            promtool.StandardInput.Close();
            await promtool.WaitForExitAsync();
            return (promtool.ExitCode, await stdout + await stderr);
        }
    }
}
