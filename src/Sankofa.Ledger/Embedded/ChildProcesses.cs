using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sankofa.Ledger.Embedded;

/// <summary>
/// Tracks the anvil processes this process started and kills any still running when the process exits, so a crashed
/// host or an aborted test run never leaves a chain behind holding a port and memory.
/// </summary>
internal static partial class ChildProcesses
{
    private const int SigTerm = 15;
    private static readonly Lock Gate = new();
    private static readonly HashSet<Process> Running = [];
    private static bool _hooked;

    public static void Track(Process process)
    {
        lock (Gate)
        {
            Running.Add(process);
            if (!_hooked)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
                _hooked = true;
            }
        }
    }

    public static void Forget(Process process)
    {
        lock (Gate)
        {
            Running.Remove(process);
        }
    }

    /// <summary>Asks a process to stop (SIGTERM) so anvil can write its state file; Process.Kill would be SIGKILL.</summary>
    public static bool Terminate(Process process)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            return kill(process.Id, SigTerm) == 0;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void KillAll()
    {
        Process[] processes;
        lock (Gate)
        {
            processes = [.. Running];
            Running.Clear();
        }

        foreach (var process in processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
