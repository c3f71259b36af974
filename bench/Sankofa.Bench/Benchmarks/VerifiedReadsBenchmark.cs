using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Bench.Harness;
using Sankofa.Core.Audit;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// Issue 19, goal 2: the verified record queries, <c>GET /api/v1/audit/entries/{id}</c> (entry, seal, Merkle proof,
/// batch and anchor) and <c>GET /api/v1/resources/{id}</c> (resource, history and the chain's record of it), one request
/// at a time for uniformly random ids, on a log of <see cref="Settings.LogEntries"/> entries, against <c>GET /healthz</c>
/// on the same connection in the same round. The real server runs in this process on SQLite with embedded anvil:
/// <see cref="Settings.Vms"/> VMs provisioned through the API against the emulated sites (so each resource's record is
/// on chain), then the log filled through <see cref="IAuditLog"/> until every entry is sealed and anchored.
/// The server is then started twice on that data: first with the chain-record cache off (every request reads the chain:
/// the figure that counts), then with it on (a record read at the head block is kept while the registry's logs do not
/// name the resource). In each round the three requests are interleaved, so load from elsewhere falls on all three
/// alike, then each is repeated alone for its CPU per request.
/// </summary>
internal static class VerifiedReadsBenchmark
{
    internal sealed record Settings(int Vms, int Sites, int LogEntries, int Requests, int Rounds, ProvisioningBenchmark.Settings Provisioning);

    public static async Task RunAsync(Settings s, CancellationToken ct)
    {
        Report.Section($"Verified record reads: {s.Vms:N0} provisioned VMs, a {s.LogEntries:N0}-entry audit log, {s.Rounds} rounds of {s.Requests:N0} requests per endpoint");
        await using var fleet = await SiteFleet.StartAsync(s.Sites, s.Provisioning.TaskDuration);
        var dataDirectory = Scratch.NewDirectory("verified");
        try
        {
            var settings = fleet.ServerSettings(s.Provisioning.Concurrency, s.Provisioning.TaskPoll);
            List<string> resources;
            long entries;
            await using (var server = await InProcessServer.StartAsync(dataDirectory, settings))
            {
                using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
                await AdminToken.SignInAsync(client, ct);
                var project = await ProvisioningBenchmark.NewProjectAsync(client, s.Vms, ct);
                await ProvisioningBenchmark.ProvisionAsync(s.Provisioning, fleet, server, client, project, ct, figures: false);
                resources = await VerifiedAsync(client, project, ct);
                entries = await FillLogAsync(server, client, s.LogEntries, ct);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Report.Note($"{resources.Count:N0} resources Verified, {entries:N0} audit entries, all sealed and anchored; load average {LoadAverage()}");
            foreach (var (label, cache) in new[] { ("chain-record cache off (every request reads the chain)", "false"), ("chain-record cache on", "true") })
            {
                settings["Ledger:RecordCache:Enabled"] = cache;
                await using var server = await InProcessServer.StartAsync(dataDirectory, settings);
                using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
                await AdminToken.SignInAsync(client, ct);
                await Task.Delay(TimeSpan.FromSeconds(2), ct); // the chain checks at start
                await MeasureAsync(label, cache == "false", client, resources, entries, s, ct);
                await server.DisposeAsync();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Scratch.Delete(dataDirectory);
        }
    }

    private static async Task MeasureAsync(string label, bool uncached, HttpClient client, IReadOnlyList<string> resources, long entries, Settings s, CancellationToken ct)
    {
        var random = new Random(42);
        string RandomEntry() => $"api/v1/audit/entries/{random.NextInt64(1, entries + 1)}";
        string RandomResource() => $"api/v1/resources/{resources[random.Next(resources.Count)]}";
        await CheckAsync(client, RandomEntry(), RandomResource(), ct);

        // Warm-up: JIT, connection pools, SQLite's page cache.
        await TimeAsync(client, () => "healthz", 300, ct);
        await TimeAsync(client, RandomEntry, 1_000, ct);
        await TimeAsync(client, RandomResource, 500, ct);

        var p99 = new Dictionary<string, List<double>> { ["healthz"] = [], ["entry"] = [], ["resource"] = [] };
        var p50 = new Dictionary<string, List<double>> { ["healthz"] = [], ["entry"] = [], ["resource"] = [] };
        var cpu = new Dictionary<string, List<double>> { ["healthz"] = [], ["entry"] = [], ["resource"] = [] };
        for (var round = 0; round < s.Rounds; round++)
        {
            // Latency: the three requests in turn, so a burst of load from elsewhere on the machine falls on all three alike.
            var load = LoadAverage();
            var samples = new Dictionary<string, List<double>> { ["healthz"] = new(s.Requests), ["entry"] = new(s.Requests), ["resource"] = new(s.Requests) };
            for (var i = 0; i < s.Requests; i++)
            {
                samples["healthz"].Add((await TimeAsync(client, () => "healthz", 1, ct))[0]);
                samples["entry"].Add((await TimeAsync(client, RandomEntry, 1, ct))[0]);
                samples["resource"].Add((await TimeAsync(client, RandomResource, 1, ct))[0]);
            }

            // CPU per request (this process, server and client, plus anvil's): moves far less with the machine's load than time.
            foreach (var (key, path) in new (string, Func<string>)[] { ("healthz", () => "healthz"), ("entry", RandomEntry), ("resource", RandomResource) })
            {
                var before = ProcessCpu.Now();
                await TimeAsync(client, path, s.Requests / 2, ct);
                var used = ProcessCpu.Now() - before;
                cpu[key].Add((used.Self + used.Children).TotalMilliseconds / (s.Requests / 2));
            }

            foreach (var (key, list) in samples)
            {
                p50[key].Add(Stats.Median(list));
                p99[key].Add(Stats.Percentile(list, 99));
            }

            Report.Note($"{label}, round {round + 1}: /healthz p50 {p50["healthz"][^1]:0.000} p99 {p99["healthz"][^1]:0.000} ms, CPU {cpu["healthz"][^1]:0.000} ms; " +
                $"audit entry p50 {p50["entry"][^1]:0.000} p99 {p99["entry"][^1]:0.000} ms, CPU {cpu["entry"][^1]:0.000} ms; " +
                $"resource p50 {p50["resource"][^1]:0.000} p99 {p99["resource"][^1]:0.000} ms, CPU {cpu["resource"][^1]:0.000} ms; load average {load}");
        }

        using (var sample = JsonDocument.Parse(await client.GetByteArrayAsync(RandomResource(), ct)))
        {
            var onChain = sample.RootElement.GetProperty("onChain");
            Report.Note($"{label}: a resource after the rounds: updatedAt {sample.RootElement.GetProperty("updatedAt")}, now {DateTimeOffset.UtcNow:O}, " +
                $"onChain.readAtBlock {(onChain.TryGetProperty("readAtBlock", out var block) ? block.ToString() : "(absent)")}");
        }

        Report.Note($"{label}: CPU per request (server, client and anvil), median of rounds: /healthz {Stats.Median(cpu["healthz"]):0.000} ms, " +
            $"audit entry {Stats.Median(cpu["entry"]):0.000} ms, resource {Stats.Median(cpu["resource"]):0.000} ms");
        string Rounds(string key) => string.Join(", ", p99[key].Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)));
        var what = uncached ? "never cached" : "chain-record cache on";
        Report.Add(new Figure($"GET /api/v1/audit/entries/{{id}} p99, random ids, {entries:N0}-entry log ({label}); p99 rounds {Rounds("entry")}, p50 {Stats.Median(p50["entry"]):0.000} ms",
            Stats.Median(p99["entry"]), "ms", Stats.Median(p99["healthz"]), $"GET /healthz p99 (rounds {Rounds("healthz")}), p50 {Stats.Median(p50["healthz"]):0.000} ms", 2, GoalKind.AtMost));
        Report.Add(new Figure($"GET /api/v1/resources/{{id}} with its chain record p99, random ids ({what}); p99 rounds {Rounds("resource")}, p50 {Stats.Median(p50["resource"]):0.000} ms",
            Stats.Median(p99["resource"]), "ms", Stats.Median(p99["healthz"]), "GET /healthz p99, same rounds", 2, GoalKind.AtMost));
    }

    /// <summary>The answers carry what the goal asks for: a sealed entry with its proof and anchored batch, a resource the chain says is verified.</summary>
    private static async Task CheckAsync(HttpClient client, string entryPath, string resourcePath, CancellationToken ct)
    {
        using var entry = JsonDocument.Parse(await client.GetByteArrayAsync(entryPath, ct));
        if (entry.RootElement.GetProperty("status").GetString() != "anchored" || entry.RootElement.GetProperty("seal").GetProperty("proof").GetArrayLength() == 0
            || entry.RootElement.GetProperty("batch").GetProperty("anchor").ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException("The entry carries no proof or anchor: " + entry.RootElement);
        }

        using var resource = JsonDocument.Parse(await client.GetByteArrayAsync(resourcePath, ct));
        if (resource.RootElement.GetProperty("onChain") is not { ValueKind: JsonValueKind.Object } onChain || !onChain.GetProperty("verified").GetBoolean()
            || resource.RootElement.GetProperty("events").GetArrayLength() == 0)
        {
            throw new InvalidOperationException("The resource carries no verified chain record or history: " + resource.RootElement);
        }
    }

    private static async Task<List<double>> TimeAsync(HttpClient client, Func<string> path, int count, CancellationToken ct)
    {
        var samples = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(new Uri(path(), UriKind.Relative), HttpCompletionOption.ResponseContentRead, ct);
            response.EnsureSuccessStatusCode();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return samples;
    }

    /// <summary>The project's resources the store says are Verified, paged through the API.</summary>
    private static async Task<List<string>> VerifiedAsync(HttpClient client, string project, CancellationToken ct)
    {
        var ids = new List<string>();
        long? before = null;
        do
        {
            using var page = JsonDocument.Parse(await client.GetByteArrayAsync($"api/v1/resources?projectId={project}&limit=100" + (before is null ? string.Empty : $"&before={before}"), ct));
            ids.AddRange(page.RootElement.GetProperty("items").EnumerateArray().Where(r => string.Equals(r.GetProperty("status").GetString(), "verified", StringComparison.OrdinalIgnoreCase)).Select(r => r.GetProperty("id").GetString()!));
            before = page.RootElement.GetProperty("next") is { ValueKind: JsonValueKind.Number } next ? next.GetInt64() : null;
        }
        while (before is not null);
        return ids.Count > 0 ? ids : throw new InvalidOperationException("No resource reached Verified.");
    }

    /// <summary>Appends events (4 producers, 100 at a time) until the log holds <paramref name="total"/> entries, then waits until all are sealed and anchored.</summary>
    private static async Task<long> FillLogAsync(InProcessServer server, HttpClient client, int total, CancellationToken ct)
    {
        var log = server.Services.GetRequiredService<IAuditLog>();
        var store = server.Services.GetRequiredService<IAuditStore>();
        var have = (await client.GetFromJsonAsync<JsonElement>("api/v1/audit/entries?limit=1", ct)).GetProperty("items")[0].GetProperty("id").GetInt64();
        var missing = (int)Math.Max(0, total - have);
        var clock = Stopwatch.StartNew();
        const int producers = 4;
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(
            async () =>
            {
                for (var n = p * 100; n < missing; n += producers * 100)
                {
                    var events = Enumerable.Range(n, Math.Min(100, missing - n)).Select(i => new AuditEvent(
                        $"svc-{p}@sankofa", "bench.resource.updated", $"site:edge-{(i % 325).ToString("000", CultureInfo.InvariantCulture)}",
                        $$"""{"producer":{{p}},"n":{{i}},"ticket":"CHG-{{i}}"}""")).ToArray();
                    await log.AppendManyAsync(events, ct);
                }
            },
            ct)));
        while (await store.GetBacklogAsync(ct) is not { UnsealedEntries: 0, UnanchoredBatches: 0 })
        {
            await Task.Delay(100, ct);
        }

        Report.Note($"log filled: {missing:N0} entries appended after {have:N0}, sealed and anchored in {clock.Elapsed.TotalSeconds:0.0} s");
        return (await client.GetFromJsonAsync<JsonElement>("api/v1/audit/entries?limit=1", ct)).GetProperty("items")[0].GetProperty("id").GetInt64();
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();
}
