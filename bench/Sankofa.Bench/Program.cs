using System.Globalization;
using Sankofa.Bench.Benchmarks;
using Sankofa.Bench.Harness;

// Usage: Sankofa.Bench <all|audit|tx|sign|query|verify|rss|provision|reads|auth|tracing|portal|lightclient|agents|governance|billing|hardware> [--store sqlite|postgres] [--entries N] [--rounds N]
//        audit: [--producers N] [--append-batch N] [--replicas N] (N servers on one PostgreSQL database and one chain; postgres only).
//        [--transactions N] [--requests N] [--data-dir DIR]. bench/run.sh builds everything and runs "all".
//        provision/reads: [--vms N] [--sites N] [--task-ms N] [--task-poll-ms N] [--concurrency N] [--submitters N]
//        [--deadline-s N] [--seconds N] [--clients N] (provision also measures the reads on its N resources unless --reads 0).
//        reads: [--resources N] (default 10,000: --vms provisioned, the rest copied from them through the store) [--read-rounds N].
//        provision --replicas N: on PostgreSQL, 1 server then N servers on one database and one chain (no reads measured).
//        verified: [--vms N] [--log-entries N] [--requests N] [--rounds N] (issue 19 goal 2: entry and resource with their proofs, random ids, against /healthz).
//        portal: [--resources N] [--rounds N] (Chromium at /usr/bin/chromium).
//        lightclient: [--accounts N] [--slots N] [--iterations N] (the agent's storage-proof check).
//        agents: [--agents N] [--vms N] [--agents-per-process N] [--rest N] and provision's options (N site agents on one
//        server, then N VMs through them against direct mode); `agents-host --manifest FILE` is its child process.
//        governance: [--decisions N] (board decisions, propose to execution, against direct grants).
//        billing: [--rating-resources N] [--rating-hours N] [--tenants N] [--resources N] [--hours N] [--verify-resources N]
//        [--verify-hours N] [--month-hours N] [--parts rating,verify,run] (issue 15: rating, a billing run end to end, invoice verification).
//        hardware: [--components N] [--events N] [--assets N] [--requests N] [--concurrency N] [--registrations-per-transaction N]
//        (issue 16: provenance over HTTP and `sankofa vm provenance --verify` for a host of N components x N custody events; N assets
//        registered against the raw chain; 1 registration per transaction is how they went before registerBatch).
var command = args.Length > 0 ? args[0] : "all";
string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
int Number(string name, int fallback) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

var entries = Number("--entries", 100_000);
var rounds = Number("--rounds", 3);
var transactions = Number("--transactions", 4_000);
var requests = Number("--requests", 5_000);
var cancellation = CancellationToken.None;
ProvisioningBenchmark.Settings Provisioning(bool measure, int vms) => new(
    Vms: Number("--vms", vms), Sites: Number("--sites", 325), TaskDuration: TimeSpan.FromMilliseconds(Number("--task-ms", 100)),
    TaskPoll: TimeSpan.FromMilliseconds(Number("--task-poll-ms", 50)), Concurrency: Number("--concurrency", 1024), Submitters: Number("--submitters", 32),
    Deadline: TimeSpan.FromSeconds(Number("--deadline-s", 900)), Measure: measure, Reads: !measure || Number("--reads", 1) != 0,
    ReadDuration: TimeSpan.FromSeconds(Number("--seconds", 10)), ReadClients: Number("--clients", 16), ReadRounds: Number("--read-rounds", 1),
    Replicas: Number("--replicas", 0), ReadResources: Number("--resources", measure ? 0 : 10_000));
AuditThroughputBenchmark.Settings Audit(string store) =>
    new(store, entries, rounds, WarmupEntries: Math.Max(10_000, entries / 5), Producers: Number("--producers", 4), AppendBatch: Number("--append-batch", 100),
        Replicas: Number("--replicas", 1));

if (command == "agents-host")
{
    return await AgentsHost.RunAsync(Option("--manifest") ?? throw new ArgumentException("agents-host needs --manifest FILE."));
}

Console.WriteLine($"Sankofa benchmarks: {command} on {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTimeOffset.UtcNow:u}");
switch (command)
{
    case "audit":
        await AuditThroughputBenchmark.RunAsync(Audit(Option("--store") ?? "sqlite"), keepDataDirectory: false, cancellation);
        break;
    case "tx":
        await TransactionBenchmark.RunAsync(transactions, rounds, cancellation);
        break;
    case "sign":
        SigningBenchmark.Run(20_000);
        break;
    case "query":
        var dataDirectory = Option("--data-dir") ?? throw new ArgumentException("query needs --data-dir of a populated log (e.g. one kept by 'all').");
        await QueryLatencyBenchmark.RunAsync(dataDirectory, requests, cancellation);
        break;
    case "verify":
        VerifyBenchmark.Run(batchSize: 4096, iterations: 100_000);
        break;
    case "rss":
        await MemoryBenchmark.RunAsync(Option("--data-dir"), TimeSpan.FromSeconds(15), cancellation);
        break;
    case "provision":
        await ProvisioningBenchmark.RunAsync(Provisioning(measure: true, vms: 10_000), cancellation);
        break;
    case "reads":
        await ProvisioningBenchmark.RunAsync(Provisioning(measure: false, vms: 200), cancellation);
        break;
    case "verified":
        await VerifiedReadsBenchmark.RunAsync(
            new VerifiedReadsBenchmark.Settings(Number("--vms", 200), Number("--sites", 325), Number("--log-entries", 320_000), Number("--requests", 2_000), rounds,
                Provisioning(measure: false, vms: 200)),
            cancellation);
        break;
    case "portal":
        await PortalBenchmark.RunAsync(Number("--resources", 10_000), Number("--rounds", 5), cancellation);
        break;
    case "lightclient":
        await LightClientBenchmark.RunAsync(Number("--accounts", 10_000), Number("--slots", 10_000), Number("--iterations", 20_000), cancellation);
        break;
    case "agents":
        await AgentsBenchmark.RunAsync(
            new AgentsBenchmark.Settings(Number("--agents", 325), Number("--agents-per-process", 100), Number("--rest", 20), Provisioning(measure: true, vms: 10_000)),
            cancellation);
        break;
    case "governance":
        await GovernanceBenchmark.RunAsync(Number("--decisions", 20), cancellation);
        break;
    case "billing":
        var parts = (Option("--parts") ?? "rating,verify,run").Split(',');
        if (parts.Contains("rating"))
        {
            RatingBenchmark.Run(Number("--rating-resources", 13_889), Number("--rating-hours", 720), rounds);
        }

        if (parts.Contains("verify"))
        {
            InvoiceVerifyBenchmark.Run(Number("--verify-resources", 1_000), 24, availability: true, rounds);
            InvoiceVerifyBenchmark.Run(Number("--verify-resources", 1_000), Number("--month-hours", 720), availability: true, rounds);
        }

        if (parts.Contains("run"))
        {
            await BillingRunBenchmark.RunAsync(new BillingRunBenchmark.Settings(Number("--tenants", 1_000), Number("--resources", 100_000), Number("--hours", 6),
                Number("--verify-resources", 1_000), Number("--verify-hours", 24), rounds), cancellation);
        }

        break;
    case "hardware":
        await HardwareBenchmark.RunAsync(new HardwareBenchmark.Settings(Number("--components", 20), Number("--events", 30), Number("--assets", 100_000),
            Number("--requests", 2_000), rounds, Number("--concurrency", 32), Number("--registrations-per-transaction", new Sankofa.Ledger.LedgerOptions().MaxRegistrationsPerTransaction)),
            cancellation);
        break;
    case "auth":
        await AuthOverheadBenchmark.RunAsync(Number("--requests", 20_000), cancellation);
        break;
    case "tracing":
        await TracingOverheadBenchmark.RunAsync(Provisioning(measure: true, vms: 1_000), rounds, cancellation);
        break;
    case "all":
        await MemoryBenchmark.RunAsync(null, TimeSpan.FromSeconds(15), cancellation);
        var populated = await AuditThroughputBenchmark.RunAsync(Audit("sqlite"), keepDataDirectory: true, cancellation);
        try
        {
            await QueryLatencyBenchmark.RunAsync(populated!, requests, cancellation);
            await MemoryBenchmark.RunAsync(populated, TimeSpan.FromSeconds(15), cancellation);
        }
        finally
        {
            Scratch.Delete(populated!);
        }

        if (BenchPostgres.Server is not null)
        {
            await AuditThroughputBenchmark.RunAsync(Audit("postgres"), keepDataDirectory: false, cancellation);
        }
        else
        {
            Report.Note("PostgreSQL skipped: SANKOFA_BENCH_POSTGRES is not set");
        }

        await TransactionBenchmark.RunAsync(transactions, rounds, cancellation);
        SigningBenchmark.Run(20_000);
        VerifyBenchmark.Run(batchSize: 4096, iterations: 100_000);
        break;
    default:
        await Console.Error.WriteLineAsync($"Unknown benchmark '{command}'; use all, audit, tx, query, verify, rss, provision, reads, auth, portal, lightclient, agents, governance, billing or hardware.");
        return 2;
}

Report.PrintSummary();
return 0;
