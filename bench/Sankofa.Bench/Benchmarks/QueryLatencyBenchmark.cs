using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Bench.Harness;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// Latency of GET /api/v1/audit/entries/{id} (entry with proof, batch and anchor) over real HTTP against
/// <c>sankofa up</c> running on a populated log, one request at a time for uniformly random ids.
/// Baseline: GET /healthz on the same server and connection (the HTTP floor without the store).
/// </summary>
internal static class QueryLatencyBenchmark
{
    public const double GoalP99Milliseconds = 10;

    public static async Task RunAsync(string dataDirectory, int requests, CancellationToken cancellationToken)
    {
        Report.Section($"3. Entry-with-proof latency over HTTP: {requests:N0} sequential GETs of random ids");
        await using var server = await BenchServer.StartAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        await AdminToken.SignInAsync(http, cancellationToken).ConfigureAwait(false);

        var newest = await http.GetFromJsonAsync<JsonElement>("api/v1/audit/entries?limit=1", cancellationToken).ConfigureAwait(false);
        var maxId = newest.GetProperty("items")[0].GetProperty("id").GetInt64();
        Report.Note($"log size: {maxId:N0} entries");
        var sample = await http.GetFromJsonAsync<JsonElement>($"api/v1/audit/entries/{maxId / 2}", cancellationToken).ConfigureAwait(false);
        if (!sample.TryGetProperty("seal", out var seal) || seal.ValueKind != JsonValueKind.Object
            || seal.GetProperty("proof").GetArrayLength() == 0
            || !sample.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException("The entry response carries no proof or batch: " + sample);
        }

        var random = new Random(42);
        async Task<List<double>> MeasureAsync(Func<string> path, int count)
        {
            var samples = new List<double>(count);
            for (var i = 0; i < count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(new Uri(path(), UriKind.Relative), HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            return samples;
        }

        string RandomEntry() => $"api/v1/audit/entries/{random.NextInt64(1, maxId + 1)}";
        await MeasureAsync(RandomEntry, Math.Max(500, requests / 5)).ConfigureAwait(false);
        await MeasureAsync(() => "healthz", 500).ConfigureAwait(false);
        var floor = await MeasureAsync(() => "healthz", requests).ConfigureAwait(false);
        var entries = await MeasureAsync(RandomEntry, requests).ConfigureAwait(false);

        Report.Note($"entries: p50 {Stats.Median(entries):0.000} ms, p90 {Stats.Percentile(entries, 90):0.000}, p99 {Stats.Percentile(entries, 99):0.000}, max {entries.Max():0.0}; "
                    + $"healthz: p50 {Stats.Median(floor):0.000} ms, p99 {Stats.Percentile(floor, 99):0.000}");
        Report.Add(new Figure("entry+proof GET p50", Stats.Median(entries), "ms", Stats.Median(floor), "GET /healthz p50", null, GoalKind.AtMost));
        Report.Add(new Figure("entry+proof GET p99", Stats.Percentile(entries, 99), "ms", Stats.Percentile(floor, 99), "GET /healthz p99", GoalP99Milliseconds, GoalKind.AtMost));

        var (rss, anvil) = server.ResidentMegabytes();
        Report.Note($"after the queries: server RSS {rss:0} MiB, anvil RSS {anvil:0} MiB (log of {maxId:N0} entries)");
    }
}
