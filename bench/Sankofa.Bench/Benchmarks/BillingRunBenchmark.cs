using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Bench.Harness;
using Sankofa.Core.Audit;
using Sankofa.Core.Billing;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// A billing run end to end (issue 15), on the real server in this process (SQLite in a scratch data directory, the
/// embedded anvil, the audit anchoring worker): <c>tenants</c> tenants of <c>resources / tenants</c> resources each, every
/// resource Verified at the period's start and deleted at its end (so no other metering or probing adds to it), its usage
/// metered hour by hour through the store (<see cref="UsageMeter"/>, <see cref="IUsageStore.RecordUsageAsync"/>), sealed
/// into the audit log (<see cref="IUsageStore.SealCompletedHoursAsync"/>) and anchored on chain. Timed: the runs started
/// over REST (POST /api/v1/billing/runs for the period), then <see cref="BillingRunService.RunRoundAsync"/> rounds (the
/// billing worker's) until every invoice is built and issued on chain. Then each invoice's issue receipt is read (gas).
/// Baselines in the same run: the store's <see cref="IUsageStore.GetTenantUsageAsync"/> over every tenant (the query
/// alone), and as many plain transactions (no data, 21,000 gas) as invoices through the same gateway, one at a time
/// (as the run issues) and all at once.
/// Then <c>sankofa billing verify</c> (the built CLI as its own process) of one invoice of <c>verifyResources</c>
/// resources over <c>verifyHours</c> hours seeded in the same store, against <c>sankofa billing prices</c> (one GET).
/// </summary>
internal static class BillingRunBenchmark
{
    public const double GoalVerifySeconds = 1;

    public sealed record Settings(int Tenants, int Resources, int Hours, int VerifyResources, int VerifyHours, int CliRounds);

    public static async Task RunAsync(Settings s, CancellationToken cancellationToken)
    {
        Report.Section($"Billing 2. A billing run: {s.Tenants:N0} tenants, {s.Resources:N0} resources, {s.Hours} h period; "
                       + $"3b. `sankofa billing verify` of {s.VerifyResources:N0} resources x {s.VerifyHours} h");
        var directory = Scratch.NewDirectory("billing");
        try
        {
            await using var server = await InProcessServer.StartAsync(directory, new Dictionary<string, string?>
            {
                // The benchmark drives billing itself; the server's own rounds (monthly runs, probes, metering) stay out of the way.
                ["Billing:CloseDelay"] = "00:00:00", ["Billing:MonthlyRuns"] = "false", ["Billing:ChainRetryInterval"] = "01:00:00",
                ["Sla:ProbeInterval"] = "01:00:00", ["Provisioning:MeteringInterval"] = "01:00:00",
            });
            using var api = AdminToken.Client(server.Address, TimeSpan.FromMinutes(30));
            var now = DateTimeOffset.UtcNow;
            var period = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddDays(-3);
            var periodEnd = period.AddHours(s.Hours);
            var verifyStart = period.AddDays(-2).AddHours(-s.VerifyHours);
            var verifyEnd = verifyStart.AddHours(s.VerifyHours);

            var clock = Stopwatch.StartNew();
            await SeedAsync(server, api, s, period, periodEnd, verifyStart, verifyEnd, cancellationToken).ConfigureAwait(false);
            Report.Note($"seeded and anchored in {clock.Elapsed.TotalSeconds:0} s (not timed): {new FileInfo(Path.Combine(directory, "sankofa.db")).Length / 1048576.0:0} MiB of SQLite");

            await MeasureRunAsync(server, api, s, period, periodEnd, cancellationToken).ConfigureAwait(false);
            await MeasureVerifyAsync(server, api, s, verifyStart, verifyEnd, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Scratch.Delete(directory);
        }
    }

    private static async Task MeasureRunAsync(
        InProcessServer server, HttpClient api, Settings s, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var services = server.Services;
        var runs = services.GetRequiredService<BillingRunService>();
        var connection = services.GetRequiredService<LedgerRuntime>().Connection;
        var nonceBefore = await NonceAsync(connection, cancellationToken).ConfigureAwait(false);
        var blockBefore = Hex.ToLong(await connection.Rpc.CallAsync("eth_blockNumber", cancellationToken).ConfigureAwait(false));

        var clock = Stopwatch.StartNew();
        using (var started = await api.PostAsJsonAsync("api/v1/billing/runs", new { periodStart = start, periodEnd = end }, cancellationToken).ConfigureAwait(false))
        {
            started.EnsureSuccessStatusCode();
        }

        var startedIn = clock.Elapsed;
        var (rounds, built, issued) = (0, 0, 0);
        var problems = new List<string>();
        while (issued < s.Tenants)
        {
            var round = await runs.RunRoundAsync(cancellationToken).ConfigureAwait(false);
            rounds++;
            (built, issued) = (built + round.Built, issued + round.Issued);
            problems.AddRange(round.Problems);
            if (round.Built == 0 && round.Issued == 0)
            {
                var waiting = await services.GetRequiredService<IInvoiceStore>().GetByStatusAsync([InvoiceStatus.Waiting], 1, cancellationToken).ConfigureAwait(false);
                throw new InvalidOperationException($"A round did nothing with {issued} of {s.Tenants} issued; waiting: "
                                                    + string.Join("; ", waiting.Select(w => $"{w.Id} for {w.WaitingFor}").Concat(problems)));
            }
        }

        var total = clock.Elapsed;
        var nonceAfter = await NonceAsync(connection, cancellationToken).ConfigureAwait(false);
        var blockAfter = Hex.ToLong(await connection.Rpc.CallAsync("eth_blockNumber", cancellationToken).ConfigureAwait(false));

        // Per invoice: its issue transaction's gas, and what it holds.
        var store = services.GetRequiredService<IInvoiceStore>();
        var gas = new List<double>();
        var lines = 0L;
        for (string? after = null; ;)
        {
            var page = await store.ListAsync(new InvoiceQuery(null, null, InvoiceStatus.Issued, after, 500), cancellationToken).ConfigureAwait(false);
            foreach (var invoice in page.Items.Where(i => i.PeriodStart == start))
            {
                var receipt = await connection.Rpc.CallAsync("eth_getTransactionReceipt", cancellationToken, invoice.Issued!.TransactionHash).ConfigureAwait(false);
                gas.Add(Hex.ToLong(receipt.GetProperty("gasUsed")));
                lines += invoice.Invoice!.Lines.Count;
            }

            if ((after = page.Next) is null)
            {
                break;
            }
        }

        // Baseline 1: the usage query alone, every tenant, one after the other (as the run reads them).
        var usage = services.GetRequiredService<IUsageStore>();
        clock.Restart();
        var rows = 0;
        for (var t = 0; t < s.Tenants; t++)
        {
            rows += (await usage.GetTenantUsageAsync(TenantId(t), start, end, cancellationToken).ConfigureAwait(false)).Count;
        }

        var queryOnly = clock.Elapsed;

        // Baseline 2: one plain transaction per invoice through the same gateway, each awaited before the next (as the run issues).
        var plainGas = 0L;
        clock.Restart();
        for (var i = 0; i < s.Tenants; i++)
        {
            var receipt = await connection.Gateway.SendAsync(new TransactionRequest($"bench:plain:{i}", connection.SignerAddress, [], 21_000), cancellationToken).ConfigureAwait(false);
            if (!receipt.Succeeded)
            {
                throw new InvalidOperationException("A plain transaction failed.");
            }
        }

        var plain = clock.Elapsed;
        plainGas = 21_000;

        // Baseline 3: as many plain transactions handed to the gateway at once (what issuing concurrently could reach).
        clock.Restart();
        var receipts = await Task.WhenAll(Enumerable.Range(0, s.Tenants).Select(i =>
            connection.Gateway.SendAsync(new TransactionRequest($"bench:plain-at-once:{i}", connection.SignerAddress, [], 21_000), cancellationToken))).ConfigureAwait(false);
        var atOnce = clock.Elapsed;
        if (receipts.Any(r => !r.Succeeded))
        {
            throw new InvalidOperationException("A plain transaction failed.");
        }

        var txPerInvoice = (double)(nonceAfter - nonceBefore) / issued;
        Report.Note($"{issued:N0} invoices ({lines:N0} lines) built and issued in {rounds} rounds, {total.TotalSeconds:0.0} s "
                    + $"(runs started over REST in {startedIn.TotalSeconds:0.0} s); {problems.Count} problems; blocks {blockBefore}..{blockAfter}; "
                    + $"control-plane transactions sent meanwhile {nonceAfter - nonceBefore:N0} ({txPerInvoice:0.00} per invoice, issues and audit anchors together)");
        Report.Note($"gas per issue: median {Stats.Median(gas):N0}, min {gas.Min():N0}, max {gas.Max():N0}; baselines: {s.Tenants:N0} GetTenantUsageAsync {queryOnly.TotalSeconds:0.00} s ({rows:N0} rows), "
                    + $"{s.Tenants:N0} plain transactions one at a time {plain.TotalSeconds:0.00} s, all at once {atOnce.TotalSeconds:0.00} s");
        Report.Add(new Figure($"billing: run for {s.Tenants:N0} tenants / {s.Resources:N0} resources x {s.Hours} h, start to all issued", total.TotalSeconds, "s",
            queryOnly.TotalSeconds, $"GetTenantUsageAsync alone for the {s.Tenants:N0} tenants", null, GoalKind.AtMost));
        Report.Add(new Figure("billing: run, the same against the chain floor", total.TotalSeconds, "s",
            plain.TotalSeconds, $"{s.Tenants:N0} plain transactions one at a time, same gateway", null, GoalKind.AtMost));
        Report.Add(new Figure("billing: run, the same against plain transactions all at once", total.TotalSeconds, "s",
            atOnce.TotalSeconds, $"{s.Tenants:N0} plain transactions handed to the gateway together", null, GoalKind.AtMost));
        Report.Add(new Figure("billing: run, invoices issued per second", issued / total.TotalSeconds, "invoices/s",
            s.Tenants / plain.TotalSeconds, "plain transactions per second, one at a time", null, GoalKind.AtLeast));
        Report.Add(new Figure("billing: issue transactions per invoice", gas.Count / (double)issued, "tx", 1, "one plain transaction", null, GoalKind.AtMost));
        Report.Add(new Figure("billing: gas per invoice issue (median)", Stats.Median(gas), "gas", plainGas, "a plain transaction", null, GoalKind.AtMost));
    }

    private static async Task MeasureVerifyAsync(
        InProcessServer server, HttpClient api, Settings s, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var runs = server.Services.GetRequiredService<BillingRunService>();
        using (var started = await api.PostAsJsonAsync("api/v1/billing/runs", new { tenant = VerifyTenant, periodStart = start, periodEnd = end }, cancellationToken).ConfigureAwait(false))
        {
            started.EnsureSuccessStatusCode();
        }

        var id = BillingRunService.InvoiceId(VerifyTenant, start, end);
        var store = server.Services.GetRequiredService<IInvoiceStore>();
        for (var i = 0; (await store.GetAsync(id, cancellationToken).ConfigureAwait(false))!.Status != InvoiceStatus.Issued; i++)
        {
            if (i > 20)
            {
                throw new InvalidOperationException($"Invoice {id} was not issued: {(await store.GetAsync(id, cancellationToken).ConfigureAwait(false))!.WaitingFor}");
            }

            await runs.RunRoundAsync(cancellationToken).ConfigureAwait(false);
        }

        // The evidence's pages read one after another as the CLI reads them, then the store's reads of the same pages alone.
        var clock = Stopwatch.StartNew();
        var (bytes, pages, entries) = (0L, 0, 0);
        var parse = TimeSpan.Zero;
        for (string? after = null; ; pages++)
        {
            var body = await api.GetByteArrayAsync(new Uri($"api/v1/billing/invoices/{id}/evidence?limit=100{(after is null ? "" : "&after=" + after)}", UriKind.Relative),
                cancellationToken).ConfigureAwait(false);
            var parsing = Stopwatch.StartNew();
            var page = JsonSerializer.Deserialize<Server.Billing.InvoiceEvidenceResponse>(body, JsonSerializerOptions.Web)!;
            parse += parsing.Elapsed;
            (bytes, entries, after) = (bytes + body.Length, entries + page.Entries.Count, page.Next);
            if (after is null)
            {
                break;
            }
        }

        var fetch = clock.Elapsed - parse;
        Report.Note($"invoice {id}: evidence over REST {bytes / 1048576.0:0.0} MiB in {pages + 1} pages of 100 entries ({bytes / ((double)s.VerifyResources * s.VerifyHours):0} B per sealed hour), GETs in {fetch.TotalMilliseconds:0} ms");
        clock.Restart();
        var batches = 0;
        for (long? after = null; ;)
        {
            var read = await store.GetEvidenceAsync(VerifyTenant, start, end, after, 100, cancellationToken).ConfigureAwait(false);
            (batches, after) = (batches + read.Batches.Count, read.Next);
            if (after is null)
            {
                break;
            }
        }

        Report.Note($"of which: the store's reads {clock.Elapsed.TotalMilliseconds:0} ms ({entries:N0} entries, {batches:N0} batches over the pages); "
                    + $"the client's parse of the pages {parse.TotalMilliseconds:0} ms (in this process, warm)");

        var (token, _) = await AdminToken.RequestAsync(server.Address, cancellationToken).ConfigureAwait(false);
        var verify = new List<double>();
        var prices = new List<double>();
        for (var round = 0; round < s.CliRounds; round++)
        {
            prices.Add(await CliAsync(server, token, ["billing", "prices"], cancellationToken).ConfigureAwait(false));
            verify.Add(await CliAsync(server, token, ["billing", "verify", id], cancellationToken).ConfigureAwait(false));
            Report.Note($"round {round + 1}: `sankofa billing verify` {verify[^1]:0.000} s, `sankofa billing prices` {prices[^1]:0.000} s");
        }

        Report.Add(new Figure($"billing: `sankofa billing verify`, {s.VerifyResources:N0} resources x {s.VerifyHours} h ({s.VerifyResources * s.VerifyHours:N0} sealed hours), process start to exit, median of {s.CliRounds}",
            Stats.Median(verify), "s", Stats.Median(prices), "`sankofa billing prices` (one GET), same way", GoalVerifySeconds, GoalKind.AtMost));
    }

    // The built CLI as its own process, as a customer runs it; exit 0 required (the hardware benchmark times its commands the same way).
    internal static async Task<double> CliAsync(InProcessServer server, string token, string[] args, CancellationToken cancellationToken)
    {
        var cli = Environment.GetEnvironmentVariable("SANKOFA_BENCH_CLI") is { Length: > 0 } c
            ? c
            : throw new InvalidOperationException("Set SANKOFA_BENCH_CLI to the built sankofa.dll (bench/run.sh does).");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(cli);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.ArgumentList.Add("--server");
        info.ArgumentList.Add(server.Address.ToString());
        info.Environment["SANKOFA_TOKEN"] = token;
        info.Environment["DOTNET_GCgen0size"] = Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? "0x4000000"; // as ./sankofa sets it
        var config = Scratch.NewDirectory("cli-config");
        info.Environment["SANKOFA_CONFIG_DIR"] = config;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var elapsed = clock.Elapsed.TotalSeconds;
        Scratch.Delete(config);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"sankofa {string.Join(' ', args)} exited {process.ExitCode}: {await output.ConfigureAwait(false)} {await error.ConfigureAwait(false)}");
        }

        var text = await output.ConfigureAwait(false);
        if (args[1] == "verify")
        {
            Report.Note("     cli: " + text.Split('\n')[0]);
        }

        return elapsed;
    }

    private const string VerifyTenant = "t-verify";

    private static string TenantId(int t) => $"t-{t:D4}";

    /// <summary>
    /// Tenants and projects over REST; resources straight into the store, Verified at their period's start and deleted at
    /// its end (how they got there does not change what billing reads); usage metered and sealed through the store as the
    /// metering round does it; then waits until the audit log has sealed and anchored every entry.
    /// </summary>
    private static async Task SeedAsync(
        InProcessServer server, HttpClient api, Settings s, DateTimeOffset start, DateTimeOffset end, DateTimeOffset verifyStart, DateTimeOffset verifyEnd,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using (var book = await api.PostAsJsonAsync("api/v1/billing/prices", new
        {
            effectiveFrom = "2020-01-01T00:00:00Z", currency = "USD", minorDigits = 2,
            prices = GoldenInvoiceBook(),
        }, cancellationToken).ConfigureAwait(false))
        {
            book.EnsureSuccessStatusCode();
        }

        var perTenant = s.Resources / s.Tenants;
        var tenants = Enumerable.Range(0, s.Tenants).Select(t => (Id: TenantId(t), Count: perTenant)).Append((Id: VerifyTenant, Count: s.VerifyResources)).ToList();
        await Parallel.ForEachAsync(tenants, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (t, ct) =>
        {
            var quota = new { vcpu = t.Count * 16, ramMiB = t.Count * 65536L, diskGiB = t.Count * 500L, vms = t.Count };
            (await api.PostAsJsonAsync("api/v1/tenants", new { id = t.Id, name = "Tenant " + t.Id, quota }, ct).ConfigureAwait(false)).EnsureSuccessStatusCode();
            foreach (var p in new[] { "a", "b" })
            {
                (await api.PostAsJsonAsync($"api/v1/tenants/{t.Id}/projects", new { id = $"{t.Id}-{p}", name = "Project " + p, quota }, ct).ConfigureAwait(false))
                    .EnsureSuccessStatusCode();
            }
        }).ConfigureAwait(false);
        Report.Note($"seed: {tenants.Count:N0} tenants with 2 projects each over REST in {clock.Elapsed.TotalSeconds:0} s");

        clock.Restart();
        var resources = server.Services.GetRequiredService<IResourceStore>();
        var usage = server.Services.GetRequiredService<IUsageStore>();
        var availability = server.Services.GetRequiredService<IAvailabilityStore>();
        var sites = SiteCatalog.Default.Sites;
        var random = new Random(15);
        var all = tenants.SelectMany(t => Enumerable.Range(0, t.Count).Select(j => (Tenant: t.Id, Index: j))).ToList();
        var shapes = all.Select(_ => (VCpu: 1 + random.Next(16), Ram: 512 * (1 + random.Next(128)), Disk: 10 + random.Next(490))).ToArray();
        var created = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, all.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var (tenant, j) = all[i];
            var (from, to) = tenant == VerifyTenant ? (verifyStart, verifyEnd) : (start, end);
            var site = sites[i % sites.Count];
            var host = site.Hosts[0];
            var spec = new ResourceSpec(shapes[i].VCpu, shapes[i].Ram, shapes[i].Disk, "debian-12-cloud", ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKq0 ops@example"], "ops");
            var placement = new PlacementExplanation(site.Id, site.Name, BillingNames.Name(site.Tier), site.Jurisdiction, host.Id, null, null, 1, $"bench seed on {site.Id}", null, null, []);
            var resource = new Resource($"vm-{tenant}-{j:D4}", 0, tenant, $"{tenant}-{(j % 2 == 0 ? "a" : "b")}", $"vm-{j}", spec, SpecHash.Of(spec), DesiredState.Absent,
                ResourceStatus.Deleted, null, placement, new VirtualMachineRef(host.Id, 100 + j), 0, from, from, to, from, to, null, null, 0);
            var stored = await resources.CreateResourceAsync(resource, new NewResourceEvent("resource.requested", "bench seed"),
                new AuditEvent("bench", "provisioning.resource.requested", "resource:" + resource.Id, "{}"), ct).ConfigureAwait(false);
            var (records, until) = UsageMeter.Meter(stored, to);
            await usage.RecordUsageAsync(stored.Id, records, null, until, ct).ConfigureAwait(false);
            if (tenant == VerifyTenant)
            {
                // Its availability measured too, up all the time but for one VM in fifty down its period's middle ten minutes,
                // as a real VM's invoice has (a second sealed entry per tenant-hour, some credits).
                var subject = new AvailabilitySubject(stored.Id, stored.Sequence, tenant, stored.ProjectId, site.Id, true, from, null, null);
                var middle = from + ((to - from) / 2);
                var steps = j % 50 == 7
                    ? [AvailabilityMeter.Measure(subject, VmObservation.Down, middle)!, // seen down at the middle, up ten minutes later
                        AvailabilityMeter.Measure(subject with { MeasuredUntil = middle, DownSince = middle }, VmObservation.Up, middle.AddMinutes(10))!,
                        AvailabilityMeter.Measure(subject with { MeasuredUntil = middle.AddMinutes(10) }, VmObservation.Up, to)!]
                    : new[] { AvailabilityMeter.Measure(subject, VmObservation.Up, to)! };
                foreach (var step in steps)
                {
                    await availability.RecordAsync(step, ct).ConfigureAwait(false);
                }
            }
            if (Interlocked.Increment(ref created) % 20_000 == 0)
            {
                Report.Note($"seed: {created:N0} resources created and metered, {clock.Elapsed.TotalSeconds:0} s");
            }
        }).ConfigureAwait(false);
        Report.Note($"seed: {all.Count:N0} resources created and metered in {clock.Elapsed.TotalSeconds:0} s");

        clock.Restart();
        var hours = 0L;
        for (int n; (n = await usage.SealCompletedHoursAsync(5_000, cancellationToken).ConfigureAwait(false)) > 0;)
        {
            hours += n;
        }

        for (int n; (n = await availability.SealCompletedHoursAsync(5_000, cancellationToken).ConfigureAwait(false)) > 0;)
        {
            hours += n;
        }

        Report.Note($"seed: {hours:N0} usage and availability hours sealed into the audit log in {clock.Elapsed.TotalSeconds:0} s");
        clock.Restart();
        var audit = server.Services.GetRequiredService<IAuditStore>();
        while (await audit.GetBacklogAsync(cancellationToken).ConfigureAwait(false) is not { UnsealedEntries: 0, UnanchoredBatches: 0 })
        {
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        Report.Note($"seed: audit log sealed and anchored {clock.Elapsed.TotalSeconds:0} s later");
    }

    private static object[] GoldenInvoiceBook() =>
        [.. Sankofa.TestSupport.Billing.GoldenInvoice.Book().Prices.Select(p => (object)new
        {
            tier = BillingNames.Name(p.Tier), dimension = BillingNames.Name(p.Dimension), microMinorPerUnitHour = p.MicroMinorPerUnitHour,
        })];

    private static async Task<long> NonceAsync(LedgerConnection connection, CancellationToken cancellationToken) =>
        Hex.ToLong(await connection.Rpc.CallAsync("eth_getTransactionCount", cancellationToken, connection.SignerAddress, "latest").ConfigureAwait(false));
}
