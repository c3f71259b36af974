using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Sankofa.Bench.Chain;
using Sankofa.Bench.Harness;
using Sankofa.Core.Audit;
using Microsoft.Extensions.Options;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Hosting;
using Sankofa.TestSupport;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// Audit entries per second end to end: producers append through <see cref="IAuditLog"/> into the real store of an
/// in-process server, whose own anchoring worker seals them and anchors the roots on the embedded anvil; a round ends
/// when nothing is left unsealed or unanchored (every entry has its proof and its root is on chain).
/// Baseline: the same anchorMany transactions (same number of roots per transaction, same entry counts) pre-signed and
/// sent raw to the same anvil, in entries per second.
/// With <see cref="Settings.Replicas"/> above one (PostgreSQL only) that many servers share one database and one chain (an
/// anvil of its own, reached over HTTP, since a replica's embedded chain is its alone), each with its own sealer and anchorer
/// as a real replica has; the producers are spread over them and all replicas sign with the first one's key.
/// </summary>
internal static class AuditThroughputBenchmark
{
    public const double GoalPerSecond = 20_000;

    // Issue 17: PostgreSQL, the production store, with one replica and with three.
    public const double PostgresGoalPerSecond = 50_000;
    public const double RatioGoal = 0.6;

    // Issue 19: SQLite end to end, reported against SQLite's own insert rate of the same rows.
    public const double RawGoalPerSecond = 100_000;

    public sealed record Settings(string Store, int Entries, int Rounds, int WarmupEntries, int Producers, int AppendBatch, int Replicas = 1);

    private const string ReplicaKeyPassword = "bench-replicas";

    /// <summary>Runs the benchmark; returns the data directory (kept for the query benchmark) when asked to keep it.</summary>
    public static async Task<string?> RunAsync(Settings settings, bool keepDataDirectory, CancellationToken cancellationToken)
    {
        Report.Section($"1. Audit entries/s end to end ({Name(settings)}): {settings.Rounds} x {settings.Entries:N0} entries, "
                       + $"{settings.Producers} producers appending {settings.AppendBatch} per call");
        if (settings.Replicas > 1 && settings.Store != "postgres")
        {
            throw new ArgumentException("--replicas above 1 needs --store postgres: replicas share one database.");
        }

        var directory = Scratch.NewDirectory("audit-" + settings.Store);
        var configuration = new Dictionary<string, string?>();
        if (settings.Store == "postgres")
        {
            var server = BenchPostgres.Server ?? throw new InvalidOperationException("Set SANKOFA_BENCH_POSTGRES to a PostgreSQL connection string (bench/run.sh does).");
            configuration["Store:Provider"] = "postgres";
            configuration["Store:ConnectionString"] = await BenchPostgres.CreateDatabaseAsync(server).ConfigureAwait(false);
        }

        ExternalAnvil? chain = null;
        var replicas = new List<InProcessServer>();
        try
        {
            if (settings.Replicas > 1)
            {
                chain = await ExternalAnvil.StartAsync(directory).ConfigureAwait(false);
                configuration["Ledger:RpcUrl"] = chain.RpcUrl.ToString();
                configuration["Ledger:KeyPassword"] = ReplicaKeyPassword;
            }

            replicas.Add(await InProcessServer.StartAsync(directory, configuration).ConfigureAwait(false));
            // Every replica needs the personal-data master key that made the store's keys: the first one's.
            configuration["PersonalData:MasterKeyFile"] = Path.Combine(directory, "personal-data.key");
            for (var r = 1; r < settings.Replicas; r++)
            {
                // Same key and contracts as the first replica (its keystore and deployment record), data directory of its own.
                var own = Path.Combine(directory, "replica-" + (r + 1).ToString(CultureInfo.InvariantCulture));
                CopyDirectory(Path.Combine(directory, "ledger"), Path.Combine(own, "ledger"));
                replicas.Add(await InProcessServer.StartAsync(own, configuration).ConfigureAwait(false));
            }

            var host = replicas[0];
            var logs = replicas.Select(h => h.Services.GetRequiredService<IAuditLog>()).ToList();
            var store = host.Services.GetRequiredService<IAuditStore>();
            var audit = host.Services.GetRequiredService<IOptions<AuditOptions>>().Value;

            var warm = await RunRoundAsync(logs, store, settings, settings.WarmupEntries, cancellationToken).ConfigureAwait(false);
            Report.Note($"warm-up: {warm.Rate:N0} entries/s");
            var sequence = (long)settings.WarmupEntries;
            var rounds = new List<(RoundResult Result, long FromSequence)>();
            for (var r = 0; r < settings.Rounds; r++)
            {
                var cpu = ProcessCpu.Now();
                var result = await RunRoundAsync(logs, store, settings, settings.Entries, cancellationToken).ConfigureAwait(false);
                cpu = ProcessCpu.Now() - cpu;
                rounds.Add((result, sequence + 1));
                sequence += settings.Entries;
                Report.Note($"round {r + 1}: {result.Rate:N0} entries/s end to end ({result.Total.TotalSeconds:0.00} s); "
                            + $"appends done after {result.Appended.TotalSeconds:0.00} s ({settings.Entries / result.Appended.TotalSeconds:N0}/s), "
                            + $"then {(result.Total - result.Appended).TotalMilliseconds:0} ms until the last root was on chain; "
                            + $"CPU per entry {cpu.Self.TotalMicroseconds / settings.Entries:0.0} µs in this process (producers, server, sealer), "
                            + $"{cpu.Children.TotalMicroseconds / settings.Entries:0.0} µs in the chain; load {LoadAverage()}");
            }

            await CheckNewestEntryVerifiesAsync(host.Services, store, cancellationToken).ConfigureAwait(false);
            if (settings.Store == "sqlite")
            {
                RawInsertBaseline(directory, settings, rounds.Select(r => r.Result.Rate).ToList(), audit);
            }

            var batches = await AnchoredBatchesAsync(store, cancellationToken).ConfigureAwait(false);
            var connection = host.Services.GetRequiredService<LedgerRuntime>().Connection;
            using var raw = await RawSender.CreateAsync(connection, cancellationToken).ConfigureAwait(false);
            var rawRates = new List<double>();
            var nextBatchId = 1_000_000_000L;
            foreach (var (result, from) in rounds)
            {
                var inRound = batches.Where(b => b.FirstSequence >= from && b.FirstSequence < from + settings.Entries).ToList();
                var transactions = inRound.GroupBy(b => b.Anchor!.TransactionHash).Select(g => g.Select(b => b.Count).ToArray()).ToList();
                var calls = transactions.Select(counts =>
                {
                    var requests = counts.Select(c => new AnchorRequest(nextBatchId++, RandomRoot(), nextBatchId, c)).ToArray();
                    return (AuditAnchorContract.EncodeAnchorMany(requests), AuditAnchorContract.EstimateAnchorManyGas(requests.Length));
                }).ToList();
                var signed = await raw.SignAsync(calls, cancellationToken).ConfigureAwait(false);
                var elapsed = await raw.SendAsync(signed, cancellationToken).ConfigureAwait(false);
                var entries = inRound.Sum(b => b.Count);
                rawRates.Add(entries / elapsed.TotalSeconds);
                Report.Note($"raw baseline for that round: {inRound.Count} roots of {entries:N0} entries in {transactions.Count} anchorMany transactions "
                            + $"(batch size {audit.BatchSize}) mined in {elapsed.TotalMilliseconds:0.0} ms");
            }

            Report.Add(new Figure(
                $"audit e2e entries/s ({Name(settings)})",
                Stats.Median(rounds.Select(r => r.Result.Rate).ToList()),
                "entries/s",
                Stats.Median(rawRates),
                "same anchorMany txs pre-signed, sent raw",
                settings.Store == "postgres" ? PostgresGoalPerSecond : GoalPerSecond,
                GoalKind.AtLeast,
                RatioGoal));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync().ConfigureAwait(false);
            }

            if (chain is not null)
            {
                await chain.DisposeAsync().ConfigureAwait(false);
            }

            if (!keepDataDirectory)
            {
                Scratch.Delete(directory);
            }
        }

        return keepDataDirectory ? directory : null;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private sealed record RoundResult(TimeSpan Appended, TimeSpan Total, double Rate);

    private static string Name(Settings settings) =>
        settings.Replicas > 1 ? $"{settings.Store}, {settings.Replicas} replicas" : settings.Store;

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    /// <summary>Producer p appends through replica p mod n, as a load balancer spreads clients.</summary>
    private static async Task<RoundResult> RunRoundAsync(IReadOnlyList<IAuditLog> logs, IAuditStore store, Settings settings, int entries, CancellationToken cancellationToken)
    {
        var share = entries / settings.Producers;
        var clock = Stopwatch.StartNew();
        var producers = Enumerable.Range(0, settings.Producers).Select(p => Task.Run(
            async () =>
            {
                var left = p == 0 ? entries - (share * (settings.Producers - 1)) : share;
                var n = 0;
                while (left > 0)
                {
                    var events = new AuditEvent[Math.Min(settings.AppendBatch, left)];
                    for (var i = 0; i < events.Length; i++, n++)
                    {
                        events[i] = Event(p, n);
                    }

                    await logs[p % logs.Count].AppendManyAsync(events, cancellationToken).ConfigureAwait(false);
                    left -= events.Length;
                }
            },
            cancellationToken)).ToArray();
        await Task.WhenAll(producers).ConfigureAwait(false);
        var appended = clock.Elapsed;
        while (await store.GetBacklogAsync(cancellationToken).ConfigureAwait(false) is not { UnsealedEntries: 0, UnanchoredBatches: 0 })
        {
            // Each look is six queries; polling harder takes the shared cores from the pipeline being measured.
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        var total = clock.Elapsed;
        return new RoundResult(appended, total, entries / total.TotalSeconds);
    }

    /// <summary>The <paramref name="n"/>th event of producer <paramref name="p"/>: every round appends the same ones.</summary>
    private static AuditEvent Event(int p, int n) => new(
        $"svc-{p}@sankofa",
        "bench.resource.updated",
        $"site:edge-{(n % 325).ToString("000", CultureInfo.InvariantCulture)}",
        $$"""{"producer":{{p}},"n":{{n}},"ticket":"CHG-{{n}}"}""");

    /// <summary>The events of one round of <paramref name="entries"/>, producer by producer, as <see cref="RunRoundAsync"/> appends them.</summary>
    private static List<AuditEvent> RoundEvents(Settings settings, int entries)
    {
        var share = entries / settings.Producers;
        var events = new List<AuditEvent>(entries);
        for (var p = 0; p < settings.Producers; p++)
        {
            var count = p == 0 ? entries - (share * (settings.Producers - 1)) : share;
            for (var n = 0; n < count; n++)
            {
                events.Add(Event(p, n));
            }
        }

        return events;
    }

    /// <summary>
    /// SQLite: the same rows inserted by SQLite alone (see <see cref="AuditRawInsert"/>), the warm-up's then each round's, into a
    /// fresh file; prints the end-to-end figure against that rate, then each step's cost per entry timed alone.
    /// </summary>
    private static void RawInsertBaseline(string directory, Settings settings, IReadOnlyList<double> endToEnd, AuditOptions audit)
    {
        using var raw = AuditRawInsert.Create(Path.Combine(directory, "sankofa.db"), Path.Combine(directory, "raw-baseline.db"));
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        List<NewAuditEntry> Rows(int entries) => RoundEvents(settings, entries)
            .Select(e => new NewAuditEntry(now, e.Actor, e.Action, e.Subject, e.Payload, AuditHashing.PayloadHash(e.Payload))).ToList();
        raw.InsertEntries(Rows(settings.WarmupEntries));
        var rates = new List<double>();
        var inserted = (long)settings.WarmupEntries;
        for (var r = 0; r < settings.Rounds; r++)
        {
            var elapsed = raw.InsertEntriesNative(Rows(settings.Entries));
            inserted += settings.Entries;
            rates.Add(settings.Entries / elapsed.TotalSeconds);
            Report.Note($"raw insert baseline, round {r + 1}: {settings.Entries:N0} audit_entries rows in {elapsed.TotalMilliseconds:0} ms "
                        + $"({rates[^1]:N0} rows/s; one prepared INSERT through SQLite's C API, one transaction, same table and indexes, fresh file); load {LoadAverage()}");
        }

        Report.Add(new Figure(
            "audit e2e entries/s (sqlite) against SQLite's raw insert of the same rows",
            Stats.Median(endToEnd),
            "entries/s",
            Stats.Median(rates),
            "the same audit_entries rows, one prepared INSERT (C API) in one transaction, no application",
            RawGoalPerSecond,
            GoalKind.AtLeast));

        var breakdown = AuditRawInsert.Breakdown(raw, RoundEvents(settings, settings.Entries), inserted + 1, audit.BatchSize);
        Report.Note($"CPU per entry, each step alone on one thread over {settings.Entries:N0} entries: "
                    + string.Join("; ", breakdown.Select(b => $"{b.Step} {b.Micros:0.00} µs")));
    }

    /// <summary>After the clock: the newest entry verifies against the root the chain holds, so the figure counts real work.</summary>
    private static async Task CheckNewestEntryVerifiesAsync(IServiceProvider services, IAuditStore store, CancellationToken cancellationToken)
    {
        var newest = (await store.ListEntriesAsync(new AuditQuery(Limit: 1), cancellationToken).ConfigureAwait(false)).Items[0];
        var batch = await store.GetBatchAsync(newest.Seal!.BatchId, cancellationToken).ConfigureAwait(false);
        var roots = await services.GetRequiredService<IAuditAnchorLedger>().GetRootsAsync([batch!.Id], cancellationToken).ConfigureAwait(false);
        var result = AuditVerifier.VerifyEntry(newest, batch, roots.GetValueOrDefault(batch.Id));
        if (result.Status != AuditVerificationStatus.Verified)
        {
            throw new InvalidOperationException($"Entry {newest.Id} does not verify: {string.Join("; ", result.Problems)}");
        }

        Report.Note($"check: entry {newest.Id} (batch {batch.Id}) verifies against the on-chain root");
    }

    private static async Task<List<AuditBatch>> AnchoredBatchesAsync(IAuditStore store, CancellationToken cancellationToken)
    {
        var all = new List<AuditBatch>();
        while (true)
        {
            var page = await store.GetAnchoredBatchesAsync(all.Count == 0 ? 0 : all[^1].Id, 500, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
        }
    }

    private static byte[] RandomRoot()
    {
        var root = RandomNumberGenerator.GetBytes(32);
        root[0] |= 1;
        return root;
    }
}
