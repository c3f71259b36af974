using System.Diagnostics;
using System.Globalization;

namespace Sankofa.Cli.Tests.Agents;

/// <summary>A `sankofa agent run` process, its output read as it comes (a full pipe would stall it; what it said explains a failure).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class AgentProcess
{
    private readonly System.Text.StringBuilder said = new();
    private bool stopped;

    public AgentProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Said()
    {
        lock (said)
        {
            return said.ToString();
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="failure"/> and what the agent said if it exits or 90 s pass.</summary>
    public async Task UntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline && !Process.HasExited, $"{failure}; the agent said: {Said()}");
            await Task.Delay(50);
        }
    }

    /// <summary>Stops the agent as its operator does (Ctrl+C), killing it if it has not exited within 30 s; once stopped, again does nothing.</summary>
    public async Task StopAsync()
    {
        if (stopped)
        {
            return;
        }

        stopped = true;
        if (!Process.HasExited)
        {
            Process.Start("kill", ["-INT", Process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            if (!Process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                Process.Kill(entireProcessTree: true);
            }
        }

        await Process.WaitForExitAsync();
        Process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (said)
            {
                said.AppendLine(line);
            }
        }
    }
}
