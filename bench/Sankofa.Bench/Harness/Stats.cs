namespace Sankofa.Bench.Harness;

/// <summary>Order statistics over repeated measurements.</summary>
internal static class Stats
{
    /// <summary>The value below which <paramref name="percent"/> % of the samples fall (nearest rank).</summary>
    public static double Percentile(IReadOnlyList<double> samples, double percent)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyList<double> samples) => Percentile(samples, 50);
}
