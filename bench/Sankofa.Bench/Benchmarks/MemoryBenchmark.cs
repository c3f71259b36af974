using Sankofa.Bench.Harness;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// Resident memory of an idle <c>sankofa up</c> once start-up has settled, from /proc; the anvil child is reported
/// apart. Sampled every second over the settle window; the figure is the last sample.
/// </summary>
internal static class MemoryBenchmark
{
    public const double GoalMegabytes = 300;

    /// <summary>Measures on <paramref name="dataDirectory"/>, or on a fresh one when it is null.</summary>
    public static async Task RunAsync(string? dataDirectory, TimeSpan settle, CancellationToken cancellationToken)
    {
        var fresh = dataDirectory is null;
        Report.Section($"4. Idle RSS of sankofa up ({(fresh ? "fresh data directory" : "populated log")}), after {settle.TotalSeconds:0} s idle");
        var directory = dataDirectory ?? Scratch.NewDirectory("rss");
        try
        {
            await using var server = await BenchServer.StartAsync(directory, cancellationToken).ConfigureAwait(false);
            var samples = new List<double>();
            double? anvil = null;
            for (var elapsed = TimeSpan.Zero; elapsed < settle; elapsed += TimeSpan.FromSeconds(1))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                var (rss, child) = server.ResidentMegabytes();
                samples.Add(rss);
                anvil = child;
            }

            Report.Note($"server RSS samples (MiB): {string.Join(" ", samples.Select(s => s.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))}");
            var label = fresh ? "fresh" : "populated";
            Report.Add(new Figure($"idle server RSS ({label})", samples[^1], "MiB", null, null, GoalMegabytes, GoalKind.AtMost));
            Report.Add(new Figure($"anvil child RSS ({label}, apart)", anvil ?? double.NaN, "MiB", null, null, null, GoalKind.AtMost));
        }
        finally
        {
            if (fresh)
            {
                Scratch.Delete(directory);
            }
        }
    }
}
