using System.Globalization;

namespace Sankofa.Bench.Harness;

/// <summary>The built CLI's <c>sankofa up</c> as a separate process (as an operator runs it), and what it costs in memory.</summary>
internal static class BenchServer
{
    public static Task<ServerProcess> StartAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var cli = Environment.GetEnvironmentVariable("SANKOFA_BENCH_CLI") is { Length: > 0 } c
            ? c
            : throw new InvalidOperationException("Set SANKOFA_BENCH_CLI to the built sankofa.dll (bench/run.sh does).");
        return ServerProcess.StartUpAsync(cli, dataDirectory, line => Console.Error.WriteLine("     [server] " + line), cancellationToken);
    }

    /// <summary>Resident set of the server and of its anvil child, from /proc, in MiB.</summary>
    public static (double Server, double? Anvil) ResidentMegabytes(this ServerProcess server)
    {
        var anvil = ProcFs.Children(server.ProcessId).Select(ProcFs.ResidentMegabytes).Where(m => m is not null).Sum();
        return (ProcFs.ResidentMegabytes(server.ProcessId) ?? double.NaN, anvil);
    }
}

/// <summary>Reads process facts from /proc (Linux only, like the embedded chain).</summary>
internal static class ProcFs
{
    public static double? ResidentMegabytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Child processes; the children file is per thread, and .NET starts children from pool threads, so read every thread's.</summary>
    public static IEnumerable<int> Children(int pid) =>
        Directory.EnumerateDirectories($"/proc/{pid}/task")
            .Select(task => Path.Combine(task, "children"))
            .Where(File.Exists)
            .SelectMany(file => File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture))
            .Distinct()
            .ToList();
}
