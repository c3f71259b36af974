using System.Globalization;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>A /metrics scrape read back: its families (from the TYPE lines) and its samples, found by name and labels.</summary>
internal sealed class MetricsScrape
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> samples = [];

    private MetricsScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Families[parts[2]] = parts[3];
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            var name = brace >= 0 ? line[..brace] : line[..space];
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (brace >= 0)
            {
                var body = line[(brace + 1)..line.LastIndexOf('}')];
                foreach (var pair in body.Split("\",", StringSplitOptions.RemoveEmptyEntries))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    labels[pair[..eq]] = pair[(eq + 1)..].Trim('"');
                }
            }

            samples.Add((name, labels, double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>The scrape as served.</summary>
    public string Text { get; }

    /// <summary>Every family the scrape declares, with its type.</summary>
    public Dictionary<string, string> Families { get; } = new(StringComparer.Ordinal);

    /// <summary>Every sample name (a histogram's _bucket, _sum and _count included).</summary>
    public IEnumerable<string> SampleNames => samples.Select(s => s.Name).Distinct();

    public static async Task<MetricsScrape> ReadAsync(TestServer server) => new(await server.Anonymous.GetStringAsync("metrics"));

    /// <summary>A scrape read from its text.</summary>
    public static MetricsScrape Parse(string text) => new(text);

    /// <summary>The values <paramref name="label"/> takes in the samples of <paramref name="name"/>.</summary>
    public IEnumerable<string> LabelValues(string name, string label) =>
        samples.Where(s => s.Name == name && s.Labels.ContainsKey(label)).Select(s => s.Labels[label]).Distinct().Order();

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include <paramref name="labels"/>; null when none matches.</summary>
    public double? Value(string name, params (string Label, string Value)[] labels)
    {
        var matching = samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).ToList();
        return matching.Count == 0 ? null : matching.Sum(s => s.Value);
    }
}
