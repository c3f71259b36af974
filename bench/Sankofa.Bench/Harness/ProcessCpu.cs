using System.Diagnostics;
using System.Globalization;

namespace Sankofa.Bench.Harness;

/// <summary>
/// CPU time used so far by this process and by its running child processes (the embedded anvil), so a benchmark can
/// say what a VM costs in CPU: on a shared, noisy machine that moves less than wall time does.
/// </summary>
internal readonly record struct ProcessCpu(TimeSpan Self, TimeSpan Children)
{
    // Linux reports utime and stime in clock ticks; USER_HZ is 100 on every common configuration.
    private const double TicksPerSecond = 100;

    public static ProcessCpu operator -(ProcessCpu a, ProcessCpu b) => new(a.Self - b.Self, a.Children - b.Children);

    public static ProcessCpu Now()
    {
        using var self = Process.GetCurrentProcess();
        return new ProcessCpu(self.TotalProcessorTime, ChildrenOnLinux(Environment.ProcessId));
    }

    private static TimeSpan ChildrenOnLinux(int parent)
    {
        if (!OperatingSystem.IsLinux())
        {
            return TimeSpan.Zero;
        }

        var ticks = 0L;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // pid (comm) state ppid ... utime(14) stime(15): fields counted after the closing parenthesis.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
                {
                    ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // Not a process directory, or the process ended meanwhile.
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
