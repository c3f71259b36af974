// Placement throughput over the full default catalog (325 sites), beside a naive baseline measured in the same run.
// Usage: dotnet run -c Release --project bench/Sankofa.Bench.Placement [-- --requests N --seed S --explain K]
// (--explain: how many rejected candidates each decision lists, default 5 as in the product)
using System.Diagnostics;
using System.Globalization;
using Sankofa.Core.Placement;
using Sankofa.Core.Topology;

var requests = Arg("--requests", 100_000);
var seed = Arg("--seed", 7);
const double Goal = 50_000;

var catalog = SiteCatalog.Default;
var engine = new PlacementEngine(catalog, new PlacementOptions { RejectedToExplain = Arg("--explain", 5) });
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

// Baseline: what any placement must at least do — the distance from the user to every site, keeping the nearest.
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

var outcomes = new Dictionary<string, int>();
for (var i = 0; i < Math.Min(20_000, requests); i++)
{
    engine.Place(work[i], state);
    Naive(work[i]);
}

var (baselineRate, _) = Measure(() =>
{
    var sink = 0;
    foreach (var r in work)
    {
        sink += Naive(r);
    }

    return sink;
});

var (placementRate, allocated) = Measure(() =>
{
    var placed = 0;
    foreach (var r in work)
    {
        var result = engine.Place(r, state);
        placed += result.IsPlaced ? 1 : 0;
    }

    return placed;
});

foreach (var r in work.Take(20_000))
{
    var result = engine.Place(r, state);
    var key = result.IsPlaced ? (result.Decision!.Failover is null ? "placed" : "placed after failover") : result.Error!.Kind.ToString();
    outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
    Placement benchmark — {requests:N0} requests, {catalog.Sites.Count} sites ({catalog.Count(SiteTier.Core)} core, {catalog.Count(SiteTier.Regional)} regional, {catalog.Count(SiteTier.Edge)} edge), seed {seed}
    machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}

    | what                                        | decisions/s | µs/decision |
    |---------------------------------------------|------------:|------------:|
    | placement (all rules, explained)            | {placementRate,11:N0} | {1e6 / placementRate,11:0.00} |
    | baseline: naive haversine scan, nearest only | {baselineRate,11:N0} | {1e6 / baselineRate,11:0.00} |
    | goal                                        | {Goal,11:N0} |             |

    placed {allocated:N0} of {requests:N0}; outcomes of the first 20,000: {string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value:N0}"))}
    {(placementRate >= Goal ? "goal met" : "GOAL NOT MET")}: {placementRate / Goal:0.0}× the goal, {placementRate / baselineRate:0.00}× the baseline
    """));
return placementRate >= Goal ? 0 : 1;

(double Rate, int Result) Measure(Func<int> run)
{
    GC.Collect();
    var watch = Stopwatch.StartNew();
    var result = run();
    watch.Stop();
    return (RateOf(watch.Elapsed), result);
}

double RateOf(TimeSpan elapsed) => requests / elapsed.TotalSeconds;

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
