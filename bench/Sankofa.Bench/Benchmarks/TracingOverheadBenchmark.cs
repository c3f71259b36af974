using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Sankofa.Bench.Harness;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// Issue 18: what tracing costs. Alternating rounds of a fresh in-process server with tracing off (as shipped, nothing
/// configured) and on (every trace sampled, exported over OTLP/HTTP to a local receiver that reads and discards the
/// bodies), each provisioning N VMs against the emulated sites and then reading REST pages (cached, and never cached)
/// for a bounded time. The emulator answers in this process, so "on" also records its server spans: an upper bound.
/// "Off" against no wiring at all cannot run in one process; its bound is measured instead: the disabled span calls
/// (ActivitySource.StartActivity without a listener) timed here, times the calls a VM or a request makes.
/// </summary>
internal static class TracingOverheadBenchmark
{
    // Span starts on the disabled path per VM: placement, hand-over, ~2 reconcile rounds (start and end), 3 Proxmox
    // operations, ~4 chain transitions and their batches and transactions (shared, counted as one each per VM).
    private const int DisabledCallsPerVm = 16;

    public static async Task RunAsync(ProvisioningBenchmark.Settings s, int rounds, CancellationToken ct)
    {
        Report.Section($"Tracing overhead: {s.Vms:N0} VMs and REST reads, tracing off and on, {rounds} alternating rounds");
        var disabledNs = DisabledSpanNanoseconds();
        Report.Note($"a span start with tracing off (no listener): {disabledNs:0.0} ns; ~{DisabledCallsPerVm} per VM, 0 per read (ASP.NET Core's own request activity exists either way, for log scopes)");

        await using var receiver = await DiscardingReceiver.StartAsync();
        await using var fleet = await SiteFleet.StartAsync(s.Sites, s.TaskDuration);
        // Not counted: the first servers in the process pay for JIT (tiering took a full 1,000-VM round after a 100-VM warm-up).
        Report.Note("warm-up round (not counted), tracing off, half the VMs");
        await OneAsync(s with { Vms = Math.Max(10, s.Vms / 2), ReadDuration = TimeSpan.FromSeconds(3) }, fleet, null, ct);
        var results = new Dictionary<bool, List<Round>> { [false] = [], [true] = [] };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var on in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                results[on].Add(await OneAsync(s, fleet, on ? receiver : null, ct));
            }
        }

        Report.Note($"OTLP receiver: {receiver.Requests:N0} export requests, {receiver.Bytes / 1048576.0:0.0} MiB of spans received and discarded");
        double Median(bool on, Func<Round, double> pick) => Stats.Median([.. results[on].Select(pick)]);
        var offRate = Median(false, r => r.Rate);
        Report.Add(new Figure($"tracing on: provisioning {s.Vms:N0} VMs, VMs Verified per second", Median(true, r => r.Rate), "VMs/s", offRate,
            "tracing off, same run (median of rounds)", null, GoalKind.AtLeast));
        Report.Add(new Figure("tracing on: time to Verified p50", Median(true, r => r.P50), "s", Median(false, r => r.P50), "tracing off", null, GoalKind.AtMost));
        Report.Add(new Figure("tracing on: CPU per VM (this process)", Median(true, r => r.CpuPerVm), "ms", Median(false, r => r.CpuPerVm), "tracing off", null, GoalKind.AtMost));
        Report.Add(new Figure("tracing on: REST GET /api/v1/resources?limit=100", Median(true, r => r.Rest), "req/s", Median(false, r => r.Rest), "tracing off", null, GoalKind.AtLeast));
        Report.Add(new Figure("tracing on: REST, never cached", Median(true, r => r.RestMiss), "req/s", Median(false, r => r.RestMiss), "tracing off", null, GoalKind.AtLeast));
        var offCpuPerVm = Median(false, r => r.CpuPerVm);
        Report.Add(new Figure("tracing off: disabled span calls per VM, share of CPU per VM", DisabledCallsPerVm * disabledNs / 1e6 / offCpuPerVm * 100, "%", null, null,
            5, GoalKind.AtMost));
    }

    private static async Task<Round> OneAsync(
        ProvisioningBenchmark.Settings s, SiteFleet fleet, DiscardingReceiver? receiver, CancellationToken ct)
    {
        var mode = receiver is null ? "off" : "on";
        Report.Note($"-- tracing {mode}");
        var dataDirectory = Scratch.NewDirectory("tracing-" + mode);
        try
        {
            var settings = fleet.ServerSettings(s.Concurrency, s.TaskPoll);
            if (receiver is not null)
            {
                settings["Tracing:OtlpEndpoint"] = receiver.Address.ToString();
                settings["Tracing:Protocol"] = "http/protobuf";
                settings["Tracing:SamplingRatio"] = "1";
            }

            await using var server = await InProcessServer.StartAsync(dataDirectory, settings);
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(s.Submitters, s.ReadClients) * 2 })
            {
                BaseAddress = server.Address,
                Timeout = TimeSpan.FromMinutes(2),
            };
            await AdminToken.SignInAsync(client, ct);
            var project = await ProvisioningBenchmark.NewProjectAsync(client, s.Vms, ct);
            var run = await ProvisioningBenchmark.ProvisionAsync(s, fleet, server, client, project, ct, figures: false);
            var page = await client.GetByteArrayAsync("api/v1/resources?limit=100", ct);
            long unique = long.MaxValue / 2;
            var rest = await ProvisioningBenchmark.LoadAsync($"tracing {mode}: REST GET /api/v1/resources?limit=100",
                () => new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, "api/v1/resources?limit=100")), page.Length, s, client.DefaultRequestHeaders.Authorization, ct);
            var miss = await ProvisioningBenchmark.LoadAsync($"tracing {mode}: REST, never cached",
                () => new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, $"api/v1/resources?limit=100&before={Interlocked.Increment(ref unique)}")),
                page.Length, s, client.DefaultRequestHeaders.Authorization, ct);
            var cpuPerVm = run.Cpu.TotalMilliseconds / Math.Max(1, run.Verified);
            Report.Note($"tracing {mode}: {run.Verified:N0} Verified in {run.Wall:0.0} s ({run.Rate:0.0} VMs/s), p50 {Stats.Median(run.TimeToVerified):0.00} s, CPU {cpuPerVm:0.0} ms per VM");
            return new Round(run.Rate, Stats.Median(run.TimeToVerified), rest, miss, cpuPerVm);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Scratch.Delete(dataDirectory);
        }
    }

    private sealed record Round(double Rate, double P50, double Rest, double RestMiss, double CpuPerVm);

    /// <summary>Nanoseconds per <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> on a source nobody listens to.</summary>
    private static double DisabledSpanNanoseconds()
    {
        using var source = new ActivitySource("Sankofa.Bench.Disabled");
        const int n = 20_000_000;
        var nulls = 0;
        for (var i = 0; i < 1_000_000; i++)
        {
            nulls += source.StartActivity("warm-up") is null ? 1 : 0;
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            nulls += source.StartActivity("span", ActivityKind.Internal) is null ? 1 : 0;
        }

        var elapsed = clock.Elapsed;
        return nulls == n + 1_000_000 ? elapsed.TotalNanoseconds / n : throw new InvalidOperationException("a span started without a listener");
    }

    /// <summary>An OTLP/HTTP endpoint that reads every export request's body, counts it and answers 200: a collector that keeps nothing.</summary>
    private sealed class DiscardingReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private long _requests;
        private long _bytes;

        private DiscardingReceiver(WebApplication app) => _app = app;

        public Uri Address { get; private set; } = null!;

        public long Requests => Interlocked.Read(ref _requests);

        public long Bytes => Interlocked.Read(ref _bytes);

        public static async Task<DiscardingReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new DiscardingReceiver(app);
            app.MapPost("/v1/traces", async (HttpContext context) =>
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
                {
                    Interlocked.Add(ref receiver._bytes, read);
                }

                Interlocked.Increment(ref receiver._requests);
                context.Response.ContentType = "application/x-protobuf";
            });
            await app.StartAsync();
            receiver.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
            return receiver;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
