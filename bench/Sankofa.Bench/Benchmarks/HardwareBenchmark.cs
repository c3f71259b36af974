using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Contracts;
using Sankofa.Bench.Chain;
using Sankofa.Bench.Harness;
using Sankofa.Core.Hardware;
using Sankofa.Core.Topology;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Custody;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// Hardware provenance (issue 16), on the real server in this process (SQLite in a scratch directory, the embedded
/// anvil, one emulated Proxmox site): three parties — a supplier, a carrier, an inspector — are identities made through
/// the identity API, each signing with the controller key the API handed it once (this benchmark holds each key for that
/// party's signatures only, as a test fixture does).
/// (a) The first site's first host gets a server and <c>components</c> components, each with <c>events</c> custody
/// events through the API (registration, then transfers signed by both sides and passed inspections, then the
/// installation); a VM requiring verified hardware lands there; then GET /api/v1/resources/{id}/provenance is timed,
/// one request at a time, alternating with GET /healthz (the baseline) in the same run.
/// (b) <c>sankofa vm provenance --verify</c> of that VM: the built CLI as its own process, against
/// <c>sankofa vm provenance</c> without --verify.
/// (c) <c>assets</c> assets registered with their first custody event through the API (POST the asset, the supplier signs
/// the registration digest it computes itself, POST the event; the server checks the signature, relays it to
/// SankofaCustody and stores it once mined), <c>concurrency</c> at a time, against the raw chain ingest rate: the same
/// registrations, signed by a supplier of a second server started the same way (its own fresh embedded anvil), as
/// pre-signed <c>registerBatch</c> transactions of the server's batch size sent straight to that anvil — the chain's own
/// pace for the same records, measured first and stopped before the server's run so that the two anvils never hold their
/// state at once. Registrations made at the same time share registerBatch transactions, up to
/// <c>registrationsPerTransaction</c> (1: one transaction each, as before registerBatch) or what half a block holds.
/// </summary>
internal static class HardwareBenchmark
{
    public const double GoalProvenanceP99Ms = 10;
    public const double GoalVerifySeconds = 1;

    public sealed record Settings(int Components, int Events, int Assets, int Requests, int CliRounds, int Concurrency, int RegistrationsPerTransaction);

    public static async Task RunAsync(Settings s, CancellationToken cancellationToken)
    {
        Report.Section($"Hardware provenance: a host of 1 server + {s.Components} components x {s.Events} custody events; {s.Assets:N0} assets registered");
        await using var fleet = await SiteFleet.StartAsync(1, TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
        var directory = Scratch.NewDirectory("hardware");
        try
        {
            var settings = fleet.ServerSettings(16, TimeSpan.FromMilliseconds(20));
            // Metering, probing and billing rounds stay out of the way of what is timed.
            settings["Sla:ProbeInterval"] = "01:00:00";
            settings["Provisioning:MeteringInterval"] = "01:00:00";
            settings["Billing:MonthlyRuns"] = "false";
            settings["Ledger:MaxRegistrationsPerTransaction"] = s.RegistrationsPerTransaction.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // anvil's memory grows with its state (docs/chain.md): past the default 2 GiB, about 20,000 assets here, the
            // watchdog's restart would cut the raw baseline's connection. Measured: throughput, not the restart.
            settings["Ledger:MemoryLimitMegabytes"] = "16384";
            await using var server = await InProcessServer.StartAsync(directory, settings).ConfigureAwait(false);
            using var api = AdminToken.Client(server.Address, TimeSpan.FromMinutes(5));
            var parties = new Parties(
                await PartyAsync(server, api, "supplier", cancellationToken).ConfigureAwait(false),
                await PartyAsync(server, api, "carrier", cancellationToken).ConfigureAwait(false),
                await PartyAsync(server, api, "inspector", cancellationToken).ConfigureAwait(false));

            var vm = await SeedHostAsync(api, s, parties, cancellationToken).ConfigureAwait(false);
            await MeasureProvenanceAsync(api, vm, s, cancellationToken).ConfigureAwait(false);
            await MeasureVerifyAsync(server, vm, s, cancellationToken).ConfigureAwait(false);
            await MeasureVerdictsAsync(server, $"{s.Components + 1} assets", s.Requests, cancellationToken).ConfigureAwait(false);
            if (s.Assets > 0)
            {
                await MeasureRegistrationsAsync(server, api, s, parties.Supplier, settings, cancellationToken).ConfigureAwait(false);
                await MeasureVerdictsAsync(server, $"{s.Components + 1 + s.Assets:N0} assets", Math.Min(s.Requests, 100), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Scratch.Delete(directory);
        }
    }

    /// <summary>The host's server and components with their custody chains through the API, then a VM placed on it; returns the VM's id.</summary>
    private static async Task<string> SeedHostAsync(HttpClient api, Settings s, Parties parties, CancellationToken cancellationToken)
    {
        var site = SiteCatalog.Default.Sites[0];
        var host = site.Hosts[0].Id;
        var clock = Stopwatch.StartNew();
        var serverId = "bench-srv";
        await PostAsync(api, "api/v1/assets", new
        {
            id = serverId, kind = "server", manufacturer = "Acme", model = "R750", serial = "SN-BENCH", firmware = new[] { new { component = "bios", version = "2.1" } }, hostId = host,
        }, HttpStatusCode.Created, cancellationToken).ConfigureAwait(false);
        var kinds = new[] { "cpu", "memory", "nic", "disk", "bmc", "tpm" };
        var components = Enumerable.Range(0, s.Components).Select(i => $"bench-{kinds[i % kinds.Length]}-{i:D3}").ToList();
        foreach (var (id, i) in components.Select((id, i) => (id, i)))
        {
            await PostAsync(api, "api/v1/assets", new
            {
                id, kind = kinds[i % kinds.Length], manufacturer = "Acme", model = "C-" + kinds[i % kinds.Length], serial = $"SN-{i:D4}", serverId,
            }, HttpStatusCode.Created, cancellationToken).ConfigureAwait(false);
        }

        // Each asset's chain of events in order; the assets side by side, as many parties' work would reach the chain.
        await Parallel.ForEachAsync(components.Prepend(serverId), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            await SubmitAsync(api, id, new { kind = "registration", documentHash = Doc("invoice " + id), party = parties.Supplier.Id }, parties.Supplier, null, ct).ConfigureAwait(false);
            var (holder, other) = (parties.Supplier, parties.Carrier);
            for (var e = 1; e < s.Events - 1; e++)
            {
                if (e % 2 == 1)
                {
                    await SubmitAsync(api, id, new { kind = "transfer", documentHash = Doc($"packing list {id} {e}"), to = other.Id }, holder, other, ct).ConfigureAwait(false);
                    (holder, other) = (other, holder);
                }
                else
                {
                    await SubmitAsync(api, id, new { kind = "inspection", documentHash = Doc($"seal intact {id} {e}"), party = parties.Inspector.Id, passed = true }, parties.Inspector, null, ct)
                        .ConfigureAwait(false);
                }
            }

            await SubmitAsync(api, id, new { kind = "installation", documentHash = Doc("rack photo " + id), hostId = host }, holder, null, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        Report.Note($"seed: {components.Count + 1} assets x {s.Events} custody events through the API in {clock.Elapsed.TotalSeconds:0} s (not timed)");

        var project = await ProvisioningBenchmark.NewProjectAsync(api, 4, cancellationToken).ConfigureAwait(false);
        var body = JsonSerializer.SerializeToNode(new
        {
            projectId = project, name = "prov-1", vcpu = 1, ramMiB = 1024, diskGiB = 10, template = "debian-12-cloud",
            sshKeys = new[] { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKq0 ops@example" }, cloudInitUser = "ops", siteId = site.Id, requireVerifiedHardware = true,
        })!;
        var created = await PostAsync(api, "api/v1/resources", body, HttpStatusCode.Accepted, cancellationToken).ConfigureAwait(false);
        var vm = created.GetProperty("id").GetString()!;
        for (var started = Stopwatch.StartNew(); ; await Task.Delay(100, cancellationToken).ConfigureAwait(false))
        {
            var resource = await api.GetFromJsonAsync<JsonElement>($"api/v1/resources/{vm}", cancellationToken).ConfigureAwait(false);
            if (resource.GetProperty("status").GetString() == "verified")
            {
                break;
            }

            if (started.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new InvalidOperationException($"VM {vm} is not verified after 2 minutes: {resource}");
            }
        }

        var provenance = await api.GetFromJsonAsync<JsonElement>($"api/v1/resources/{vm}/provenance", cancellationToken).ConfigureAwait(false);
        if (!provenance.GetProperty("verified").GetBoolean() || provenance.GetProperty("components").GetArrayLength() != s.Components)
        {
            throw new InvalidOperationException("The seeded host's provenance is not what was seeded: " + provenance);
        }

        return vm;
    }

    private static async Task MeasureProvenanceAsync(HttpClient api, string vm, Settings s, CancellationToken cancellationToken)
    {
        var (provenance, health) = (new List<double>(s.Requests), new List<double>(s.Requests));
        var bytes = 0L;
        // Warm-up (JIT, connection, caches), not counted.
        // The answer is read into one reused buffer: this client shares the server's process, and a 222 KiB byte array
        // per answer (as GetByteArrayAsync makes, on the large-object heap) would bring the server full collections that a
        // client in its own process never causes.
        var buffer = new byte[64 * 1024];
        var provenanceUri = new Uri($"api/v1/resources/{vm}/provenance", UriKind.Relative);
        var healthUri = new Uri("healthz", UriKind.Relative);
        for (var i = 0; i < 50; i++)
        {
            await DrainAsync(api, provenanceUri, buffer, cancellationToken).ConfigureAwait(false);
            await DrainAsync(api, healthUri, buffer, cancellationToken).ConfigureAwait(false);
        }

        // This process's CPU over the timed loop (server and client, both requests): on a shared machine it moves far
        // less than wall time, so it is what compares two builds measured under load.
        var cpuBefore = ProcessCpu.Now();
        for (var i = 0; i < s.Requests; i++)
        {
            var clock = Stopwatch.StartNew();
            bytes = await DrainAsync(api, provenanceUri, buffer, cancellationToken).ConfigureAwait(false);
            provenance.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            await DrainAsync(api, healthUri, buffer, cancellationToken).ConfigureAwait(false);
            health.Add(clock.Elapsed.TotalMilliseconds);
        }

        var cpu = ProcessCpu.Now() - cpuBefore;
        Report.Note($"provenance answer: {bytes / 1024.0:0} KiB ({s.Components + 1} assets, {(s.Components + 1) * s.Events} events); {s.Requests:N0} requests each, one at a time, alternating");
        Report.Note($"process CPU over the timed loop: {cpu.Self.TotalMilliseconds / s.Requests:0.00} ms per provenance + /healthz pair (server and client)");
        Report.Add(new Figure($"hardware: GET provenance p99, 1 + {s.Components} assets x {s.Events} events", Stats.Percentile(provenance, 99), "ms",
            Stats.Percentile(health, 99), "GET /healthz p99, same run", GoalProvenanceP99Ms, GoalKind.AtMost));
        Report.Add(new Figure("hardware: GET provenance p50", Stats.Median(provenance), "ms", Stats.Median(health), "GET /healthz p50, same run", null, GoalKind.AtMost));
    }

    // GETs the whole answer (a success) into the buffer, over and over, and returns its length.
    private static async Task<long> DrainAsync(HttpClient api, Uri uri, byte[] buffer, CancellationToken cancellationToken)
    {
        using var response = await api.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        long length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        return length;
    }

    private static async Task MeasureVerifyAsync(InProcessServer server, string vm, Settings s, CancellationToken cancellationToken)
    {
        var (token, _) = await AdminToken.RequestAsync(server.Address, cancellationToken).ConfigureAwait(false);
        var (verify, show) = (new List<double>(), new List<double>());
        for (var round = 0; round < s.CliRounds; round++)
        {
            show.Add(await BillingRunBenchmark.CliAsync(server, token, ["vm", "provenance", vm], cancellationToken).ConfigureAwait(false));
            verify.Add(await BillingRunBenchmark.CliAsync(server, token, ["vm", "provenance", vm, "--verify"], cancellationToken).ConfigureAwait(false));
            Report.Note($"round {round + 1}: `sankofa vm provenance --verify` {verify[^1]:0.000} s, without --verify {show[^1]:0.000} s");
        }

        Report.Add(new Figure($"hardware: `sankofa vm provenance --verify`, {(s.Components + 1) * s.Events} events, process start to exit, median of {s.CliRounds}",
            Stats.Median(verify), "s", Stats.Median(show), "`sankofa vm provenance` without --verify, same way", GoalVerifySeconds, GoalKind.AtMost));
    }

    /// <summary>
    /// What placement with requireVerifiedHardware asks per request — the verdict of every host of the catalog — through
    /// the kept verdicts (<see cref="HardwareService.UnverifiedHostsAsync"/>: one custody_version read while nothing
    /// changed), against the way it was asked before them in the same run: every catalog host's hardware and events read
    /// from the store and the rules applied.
    /// </summary>
    private static async Task MeasureVerdictsAsync(InProcessServer server, string what, int rounds, CancellationToken cancellationToken)
    {
        var hardware = server.Services.GetRequiredService<HardwareService>();
        var store = server.Services.GetRequiredService<IAssetStore>();
        var hosts = SiteCatalog.Default.Sites.SelectMany(site => site.Hosts.Select(h => h.Id)).ToList();
        await hardware.UnverifiedHostsAsync(hosts, cancellationToken).ConfigureAwait(false); // the one recomputation after the last change
        var (kept, before) = (new List<double>(rounds), new List<double>(rounds));
        var refused = 0;
        for (var i = 0; i < rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            refused = (await hardware.UnverifiedHostsAsync(hosts, cancellationToken).ConfigureAwait(false)).Count;
            kept.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var all = await store.HostHardwareAsync(null, cancellationToken).ConfigureAwait(false); // every host's
            var servers = all.Where(h => h.Asset.HostId is not null).ToLookup(h => h.Asset.HostId!, StringComparer.Ordinal);
            var components = all.Where(h => h.Asset.ServerId is not null).ToLookup(h => h.Asset.ServerId!, StringComparer.Ordinal);
            _ = hosts.Count(h => CustodyRules.CheckHost(h, [.. servers[h], .. servers[h].SelectMany(x => components[x.Asset.Id])]).Count > 0);
            before.Add(clock.Elapsed.TotalMilliseconds);
        }

        Report.Note($"{hosts.Count:N0} catalog hosts, {refused:N0} refused; {rounds} rounds each, alternating");
        Report.Add(new Figure($"hardware: placement's host verdicts (requireVerifiedHardware), {what} stored, p50", Stats.Median(kept), "ms",
            Stats.Median(before), "every host's hardware read and checked per request (before), same run", null, GoalKind.AtMost));
    }

    private static async Task MeasureRegistrationsAsync(
        InProcessServer server, HttpClient api, Settings s, Party supplier, IDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var connection = server.Services.GetRequiredService<LedgerRuntime>().Connection;
        var ledger = await api.GetFromJsonAsync<JsonElement>("api/v1/ledger", cancellationToken).ConfigureAwait(false);
        var custody = ledger.GetProperty("custodyAddress").GetString()!;
        var chainId = Hex.ToLong(await connection.Rpc.CallAsync("eth_chainId", cancellationToken).ConfigureAwait(false));
        var site = SiteCatalog.Default.Sites[0];
        var blockGasLimit = Hex.ToLong((await connection.Rpc.CallAsync("eth_getBlockByNumber", cancellationToken, "latest", false).ConfigureAwait(false)).GetProperty("gasLimit"));
        var perTransaction = RegistrationBatcher.BatchSize(blockGasLimit, s.RegistrationsPerTransaction);

        // The raw baseline first, on its own fresh chain, so that only one large state is ever held.
        var raw = await RawRegistrationsAsync(settings, s, perTransaction, cancellationToken).ConfigureAwait(false);

        // Components need a server; one per thousand, added before the clock.
        var parents = (s.Assets + 999) / 1000;
        for (var p = 0; p < parents; p++)
        {
            await PostAsync(api, "api/v1/assets", new { id = $"reg-srv-{p:D4}", kind = "server", manufacturer = "Acme", model = "R750", serial = $"SN-R{p}", hostId = site.Hosts[^1].Id },
                HttpStatusCode.Created, cancellationToken).ConfigureAwait(false);
        }

        var blockBefore = await ChainLogs.HeadAsync(connection.Rpc, cancellationToken).ConfigureAwait(false);
        var latencies = new ConcurrentBag<double>();
        var done = 0;
        var clock = Stopwatch.StartNew();
        var lastNote = TimeSpan.Zero;
        await Parallel.ForEachAsync(Enumerable.Range(0, s.Assets), new ParallelOptions { MaxDegreeOfParallelism = s.Concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var started = clock.Elapsed;
            var asset = Disk(i);
            await PostAsync(api, "api/v1/assets", new { id = asset.Id, kind = "disk", manufacturer = asset.Manufacturer, model = asset.Model, serial = asset.Serial, serverId = asset.ServerId },
                HttpStatusCode.Created, ct).ConfigureAwait(false);
            // The supplier computes what it signs itself (docs/hardware.md): the asset hash from the fields it typed, the chain's id and the contract.
            var document = Document(asset);
            var digest = CustodyTypedData.Registration(custody, chainId, LedgerIds.Of(asset.Id), asset.Hash(), document);
            await PostAsync(api, $"api/v1/assets/{asset.Id}/custody", new
            {
                kind = "registration", documentHash = ToHex(document), party = supplier.Id, signature = ToHex(CustodyTypedData.Sign(supplier.Key, digest)),
            }, HttpStatusCode.Created, ct).ConfigureAwait(false);
            latencies.Add((clock.Elapsed - started).TotalMilliseconds);
            if (Interlocked.Increment(ref done) % 10_000 == 0)
            {
                var now = clock.Elapsed;
                Report.Note($"registered {done:N0} in {now.TotalSeconds:0} s (the last 10,000 at {10_000 / (now - lastNote).TotalSeconds:0.0}/s); load average {LoadAverage()}");
                lastNote = now;
            }
        }).ConfigureAwait(false);
        var wall = clock.Elapsed;
        var blockAfter = await ChainLogs.HeadAsync(connection.Rpc, cancellationToken).ConfigureAwait(false);
        var blocks = await BlocksAsync(connection.Rpc, blockBefore + 1, blockAfter, cancellationToken).ConfigureAwait(false);

        Report.Note($"{s.Assets:N0} assets, {s.Concurrency} at a time, up to {perTransaction} per transaction (block gas limit {blockGasLimit:N0}): {wall.TotalSeconds:0.0} s, "
                    + $"{blocks.Blocks:N0} blocks ({blocks.Empty:N0} empty), {blocks.Transactions:N0} transactions; per asset (POST asset + POST registration) "
                    + $"p50 {Stats.Median([.. latencies]):0} ms, p99 {Stats.Percentile([.. latencies], 99):0} ms; anvil resident {AnvilResidentMiB()} MiB; load average {LoadAverage()}");
        Report.Add(new Figure($"hardware: {s.Assets:N0} assets registered with their first custody event through the API", s.Assets / wall.TotalSeconds, "assets/s",
            s.Assets / raw.TotalSeconds, "raw chain ingest: the same registrations as pre-signed registerBatch txs straight to a fresh anvil, same run", null, GoalKind.AtLeast));
    }

    /// <summary>
    /// The chain's own pace for the same records: a second server started the same way (its own embedded anvil, fresh),
    /// a supplier made through its identity API, and the benchmark's registrations signed by it, packed
    /// <paramref name="perTransaction"/> to a registerBatch as the server packs them, signed before the clock and sent
    /// straight to that anvil. Returns the time until the last was mined.
    /// </summary>
    private static async Task<TimeSpan> RawRegistrationsAsync(IDictionary<string, string?> settings, Settings s, int perTransaction, CancellationToken cancellationToken)
    {
        var directory = Scratch.NewDirectory("hardware-raw");
        try
        {
            // Only the client's patience differs: a burst of large transactions can keep anvil from answering for a while.
            var rawSettings = new Dictionary<string, string?>(settings) { ["Ledger:RpcTimeout"] = "00:05:00" };
            await using var chain = await InProcessServer.StartAsync(directory, rawSettings).ConfigureAwait(false);
            using var api = AdminToken.Client(chain.Address, TimeSpan.FromMinutes(5));
            var supplier = await PartyAsync(chain, api, "supplier", cancellationToken).ConfigureAwait(false);
            var connection = chain.Services.GetRequiredService<LedgerRuntime>().Connection;
            var custody = (await api.GetFromJsonAsync<JsonElement>("api/v1/ledger", cancellationToken).ConfigureAwait(false)).GetProperty("custodyAddress").GetString()!;
            var chainId = Hex.ToLong(await connection.Rpc.CallAsync("eth_chainId", cancellationToken).ConfigureAwait(false));
            var calls = Enumerable.Range(0, s.Assets).Select(Disk).Chunk(perTransaction).Select(assets =>
            {
                var documents = assets.Select(Document).ToArray();
                return new RegisterAssetsFunction
                {
                    AssetIds = [.. assets.Select(a => LedgerIds.Of(a.Id))],
                    AssetHashes = [.. assets.Select(a => a.Hash())],
                    DocumentHashes = [.. documents],
                    Signatures = [.. assets.Select((a, i) => CustodyTypedData.Sign(supplier.Key, CustodyTypedData.Registration(custody, chainId, LedgerIds.Of(a.Id), a.Hash(), documents[i])))],
                }.GetCallData();
            }).ToList();

            using var raw = await RawSender.CreateRelayerAsync(connection, cancellationToken).ConfigureAwait(false);
            // The gas the gateway would give the first (full) batch: the estimate and a quarter.
            var estimate = Hex.ToLong(await connection.Rpc.CallAsync("eth_estimateGas", cancellationToken, new { to = custody, data = Hex.Bytes(calls[0]) }).ConfigureAwait(false));
            var signed = await raw.SignAsync([.. calls.Select(c => (c, estimate + (estimate / 4)))], cancellationToken, custody).ConfigureAwait(false);
            var before = await ChainLogs.HeadAsync(connection.Rpc, cancellationToken).ConfigureAwait(false);
            var elapsed = await raw.SendAsync(signed, cancellationToken).ConfigureAwait(false);
            var blocks = await BlocksAsync(connection.Rpc, before + 1, await ChainLogs.HeadAsync(connection.Rpc, cancellationToken).ConfigureAwait(false), cancellationToken)
                .ConfigureAwait(false);
            Report.Note($"raw: {s.Assets:N0} registrations as {calls.Count:N0} pre-signed registerBatch txs of up to {perTransaction} ({estimate:N0} gas estimated for the first) "
                        + $"straight to a fresh anvil: {elapsed.TotalSeconds:0.0} s, {blocks.Blocks:N0} blocks ({blocks.Empty:N0} empty); anvil resident {AnvilResidentMiB()} MiB; "
                        + $"load average {LoadAverage()}");
            return elapsed;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Scratch.Delete(directory);
        }
    }

    private static Asset Disk(int i) => new($"reg-{i:D7}", AssetKind.Disk, "Acme", "PM9A3", $"SN-D{i:D7}", [], $"reg-srv-{i / 1000:D4}", null);

    private static byte[] Document(Asset asset) => SHA256.HashData(Encoding.UTF8.GetBytes("invoice " + asset.Id));

    /// <summary>Blocks from <paramref name="from"/> to <paramref name="to"/>: how many, how many held no transaction, and the transactions in all.</summary>
    private static async Task<(long Blocks, long Empty, long Transactions)> BlocksAsync(JsonRpcClient rpc, long from, long to, CancellationToken cancellationToken)
    {
        var (empty, transactions) = (0L, 0L);
        for (var start = from; start <= to; start += 100)
        {
            var answers = await rpc.BatchAsync([.. Enumerable.Range(0, (int)Math.Min(100, to - start + 1)).Select(i => new JsonRpcCall("eth_getBlockByNumber", Hex.Quantity(start + i), false))],
                cancellationToken).ConfigureAwait(false);
            foreach (var count in answers.Select(a => a.Value.GetProperty("transactions").GetArrayLength()))
            {
                (empty, transactions) = (empty + (count == 0 ? 1 : 0), transactions + count);
            }
        }

        return (Math.Max(0, to - from + 1), empty, transactions);
    }

    /// <summary>The resident memory of this process's anvil children running now (MiB), from /proc; others' tests run anvils too.</summary>
    private static long AnvilResidentMiB()
    {
        var kib = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "anvil")
                {
                    continue;
                }

                var status = File.ReadAllLines(Path.Combine(dir, "status"));
                string Field(string name) => status.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1];
                if (Field("PPid:") == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    kib += long.Parse(Field("VmRSS:"), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return kib / 1024;
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static async Task SubmitAsync(HttpClient api, string assetId, object request, Party signer, Party? receiver, CancellationToken cancellationToken)
    {
        var digest = (await PostAsync(api, $"api/v1/assets/{assetId}/custody/digest", request, HttpStatusCode.OK, cancellationToken).ConfigureAwait(false))
            .GetProperty("digest").GetString()!;
        var body = JsonSerializer.SerializeToNode(request)!.AsObject();
        body["signature"] = ToHex(CustodyTypedData.Sign(signer.Key, Convert.FromHexString(digest[2..])));
        if (receiver is not null)
        {
            body["receiverSignature"] = ToHex(CustodyTypedData.Sign(receiver.Key, Convert.FromHexString(digest[2..])));
        }

        await PostAsync(api, $"api/v1/assets/{assetId}/custody", body, HttpStatusCode.Created, cancellationToken).ConfigureAwait(false);
    }

    // A service identity holding the role and the controller key the API returned for it once (only this party signs with it).
    private static async Task<Party> PartyAsync(InProcessServer server, HttpClient api, string role, CancellationToken cancellationToken)
    {
        var clientId = "bench-" + role + "-" + Guid.NewGuid().ToString("N")[..6];
        var body = await PostAsync(api, "api/v1/identities/services", new { clientId, roles = new[] { role } }, HttpStatusCode.Created, cancellationToken).ConfigureAwait(false);
        var id = body.GetProperty("identity").GetProperty("id").GetString()!;
        // Waits until the chain lists the identity and its role: its signatures count from then on.
        await ClientCredentials.RequestAsync(server.Address, id, body.GetProperty("clientSecret").GetString()!, cancellationToken).ConfigureAwait(false);
        return new Party(id, Convert.FromHexString(body.GetProperty("controllerPrivateKey").GetString()![2..]));
    }

    private static async Task<JsonElement> PostAsync(HttpClient api, string path, object body, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using var response = body is JsonNode node
            ? await api.PostAsync(path, new StringContent(node.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken).ConfigureAwait(false)
            : await api.PostAsJsonAsync(path, body, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return response.StatusCode == expected
            ? JsonDocument.Parse(text).RootElement.Clone()
            : throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
    }

    private static string Doc(string text) => ToHex(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string ToHex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    private sealed record Party(string Id, byte[] Key);

    private sealed record Parties(Party Supplier, Party Carrier, Party Inspector);
}
