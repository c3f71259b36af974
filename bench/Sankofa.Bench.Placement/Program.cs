// Placement throughput over catalogs of growing size, beside two baselines measured in the same run: the engine's own
// full scan (every site visited, the reference its index must agree with) and a naive haversine nearest-site scan.
// Usage: dotnet run -c Release --project bench/Sankofa.Bench.Placement [-- --sites 325,3250,32500 --requests N --rounds R --seed S --explain K]
// (--sites: catalog sizes, 325 being the default catalog and others made like it by ScaledCatalog; --explain: how many
// rejected candidates each decision lists, default 5 as in the product)
using System.Diagnostics;
using System.Globalization;
using Sankofa.Core.Placement;
using Sankofa.Core.Topology;
using Sankofa.TestSupport.Topology;

var sizes = (ArgText("--sites") ?? "325,3250,32500").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var requests = Arg("--requests", 100_000);
var rounds = Math.Max(1, Arg("--rounds", 3));
var seed = Arg("--seed", 7);
var explain = Arg("--explain", 5);
const double Goal = 50_000;

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
    Placement at scale — {requests:N0} requests per size, {rounds} rounds, seed {seed}, {explain} rejected candidates explained
    machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}

    | sites (core/regional/edge) | placement, indexed: decisions/s | µs/decision | full scan (same engine, every site) | naive haversine nearest scan | ÷ full scan | ÷ naive | load average |
    |---|---:|---:|---:|---:|---:|---:|---|
    """));

var rows = new List<(int Sites, double Median)>();
var notes = new List<string>();
foreach (var size in sizes)
{
    var built = Stopwatch.StartNew();
    var catalog = ScaledCatalog.Create(size);
    built.Stop();
    var options = new PlacementOptions { RejectedToExplain = explain };
    var engine = new PlacementEngine(catalog, options);
    var reference = new PlacementEngine(catalog, options, fullScan: true);
    var state = new FleetState(catalog);
    var random = new Random(seed);

    // A fleet in use: hosts 0–60 % allocated, 3 % of sites down, 2 % degraded.
    foreach (var site in catalog.Sites)
    {
        var roll = random.NextDouble();
        state.SetSiteStatus(site.Id, roll < 0.03 ? SiteStatus.Down : roll < 0.05 ? SiteStatus.Degraded : SiteStatus.Up);
        foreach (var host in site.Hosts)
        {
            var share = random.NextDouble() * 0.6;
            state.Allocate(host.Id, new ComputeResources((int)(host.Capacity.VCpu * share), (long)(host.Capacity.RamMiB * share), (long)(host.Capacity.DiskGiB * share)), "g" + random.Next(50));
        }
    }

    // Users near catalog sites (jittered) or anywhere inhabited; tiers, latency targets, residency and anti-affinity mixed.
    var work = new PlacementRequest[requests];
    for (var i = 0; i < requests; i++)
    {
        var near = catalog.Sites[random.Next(catalog.Sites.Count)];
        var location = random.NextDouble() < 0.8
            ? new GeoPoint(Math.Clamp(near.Location.Latitude + ((random.NextDouble() - 0.5) * 4), -90, 90), Math.Clamp(near.Location.Longitude + ((random.NextDouble() - 0.5) * 4), -180, 180))
            : new GeoPoint((random.NextDouble() * 120) - 50, (random.NextDouble() * 360) - 180);
        SiteTier? tier = random.Next(4) is var t && t < 3 ? (SiteTier)t : null;
        double? target = random.NextDouble() < 0.5 ? LatencyModel.TierObjectiveMs(tier ?? SiteTier.Regional) : null;
        string[]? residency = random.NextDouble() < 0.3 ? [near.Jurisdiction] : null;
        var group = random.NextDouble() < 0.2 ? "g" + random.Next(50) : null;
        work[i] = new PlacementRequest(
            new ComputeResources(random.Next(1, 17), 1024L * random.Next(1, 65), 10L * random.Next(1, 51)),
            tier, location, target, residency, group, random.Next(2) == 0 ? AntiAffinityScope.Host : AntiAffinityScope.Site);
    }

    // The scans cost in proportion to the catalog: they run on the first requests only, as many as 100,000 at 325 sites would cost.
    var scanned = work[..Math.Clamp((int)(requests * 325L / size), Math.Min(2_000, requests), requests)];
    var points = catalog.Sites.Select(s => s.Location).ToArray();
    int Naive(PlacementRequest r)
    {
        var best = -1;
        var bestKm = double.MaxValue;
        for (var s = 0; s < points.Length; s++)
        {
            var km = r.UserLocation!.Value.DistanceKmTo(points[s]);
            if (km < bestKm)
            {
                bestKm = km;
                best = s;
            }
        }

        return best;
    }

    int Place(PlacementEngine e, PlacementRequest[] batch)
    {
        var placed = 0;
        foreach (var r in batch)
        {
            placed += e.Place(r, state).IsPlaced ? 1 : 0;
        }

        return placed;
    }

    foreach (var r in work.Take(Math.Min(2_000, scanned.Length)))
    {
        engine.Place(r, state);
        reference.Place(r, state);
        Naive(r);
    }

    var load = new List<string> { Load() };
    var (indexed, full, naive) = (new List<double>(), new List<double>(), new List<double>());
    for (var round = 0; round < rounds; round++)
    {
        naive.Add(Measure(scanned.Length, () => scanned.Count(r => Naive(r) >= 0)));
        full.Add(Measure(scanned.Length, () => Place(reference, scanned)));
        indexed.Add(Measure(work.Length, () => Place(engine, work)));
        load.Add(Load());
    }

    // The answers the rates are for: outcomes of the first 20,000, and the index against the full scan on the scanned ones.
    var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
    foreach (var r in work.Take(20_000))
    {
        var result = engine.Place(r, state);
        var key = result.IsPlaced ? (result.Decision!.Failover is null ? "placed" : "placed after failover") : result.Error!.Kind.ToString();
        outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
    }

    var differing = scanned.Count(r => Describe(engine.Place(r, state)) != Describe(reference.Place(r, state)));
    var median = Median(indexed);
    rows.Add((size, median));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {size:N0} ({catalog.Count(SiteTier.Core):N0}/{catalog.Count(SiteTier.Regional):N0}/{catalog.Count(SiteTier.Edge):N0}) | {median:N0} ({indexed.Min():N0}–{indexed.Max():N0}) | {1e6 / median:0.00} | {Median(full):N0} ({full.Min():N0}–{full.Max():N0}) | {Median(naive):N0} ({naive.Min():N0}–{naive.Max():N0}) | {median / Median(full):0.0}× | {median / Median(naive):0.0}× | {string.Join(" → ", load)} |"));
    notes.Add(string.Create(CultureInfo.InvariantCulture,
        $"{size:N0} sites: catalog made in {built.Elapsed.TotalSeconds:0.0} s; scans over the first {scanned.Length:N0} requests; index and full scan differ on {differing} of them; outcomes of the first 20,000: {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value:N0}"))}"));
}

Console.WriteLine();
foreach (var note in notes)
{
    Console.WriteLine(note);
}

var (smallest, largest) = (rows.MinBy(r => r.Sites), rows.MaxBy(r => r.Sites));
if (largest.Sites > smallest.Sites)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"cost per decision: {largest.Sites / (double)smallest.Sites:0}× the sites, {smallest.Median / largest.Median:0.00}× the µs/decision ({1e6 / smallest.Median:0.00} → {1e6 / largest.Median:0.00})"));
}

var met = rows.All(r => r.Median >= Goal);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{(met ? "goal met" : "GOAL NOT MET")}: ≥ {Goal:N0} decisions/s at every size; at {largest.Sites:N0} sites {largest.Median / Goal:0.0}× the goal"));
return met ? 0 : 1;

static double Measure(int count, Func<int> run)
{
    GC.Collect();
    var watch = Stopwatch.StartNew();
    GC.KeepAlive(run());
    watch.Stop();
    return count / watch.Elapsed.TotalSeconds;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

// Everything a caller sees of a result: the decision or error with every rejected candidate.
static string Describe(PlacementResult result) =>
    result + " | " + string.Join("; ", (result.Decision?.Rejected ?? result.Error!.Rejected).Select(r => $"{r.Site.Id} {r.Reason} {r.Detail}"));

string? ArgText(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int Arg(string name, int fallback) => ArgText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
