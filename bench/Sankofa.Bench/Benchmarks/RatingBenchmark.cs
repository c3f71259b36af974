using System.Diagnostics;
using Sankofa.Bench.Harness;
using Sankofa.Core.Billing;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;
using Sankofa.TestSupport.Billing;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// Rating (issue 15): <c>resources × hours</c> hourly <see cref="UsageRecord"/>s (default 13,889 × 720 = 10,000,080,
/// generated in memory from a fixed seed) summed per resource and priced — <see cref="Invoice.Build"/> per tenant of 100
/// resources (which calls <see cref="Rating.Rate"/> per line), and the invoice's canonical hash — at the golden price
/// book. Baseline in the same run: a bare loop summing the same records' four integers per resource, without pricing.
/// Rounds alternate rated and bare; the medians are reported.
/// </summary>
internal static class RatingBenchmark
{
    public const double GoalSeconds = 30;

    private const int ResourcesPerTenant = 100;

    public static void Run(int resources, int hours, int rounds)
    {
        var total = (long)resources * hours;
        Report.Section($"Billing 1. Rating: {resources:N0} resources x {hours} hours = {total:N0} resource-hours, in memory");
        var clock = Stopwatch.StartNew();
        var (records, tiers) = Generate(resources, hours);
        Report.Note($"generated {total:N0} UsageRecords (seed 15) in {clock.Elapsed.TotalSeconds:0.0} s; tenants of {ResourcesPerTenant} resources: {(resources + ResourcesPerTenant - 1) / ResourcesPerTenant:N0} invoices");
        var book = GoldenInvoice.Book();
        var start = records[0][0].HourStart;
        var end = start.AddHours(hours);

        var rated = new List<double>();
        var bare = new List<double>();
        long ratedTotal = 0, bareCheck = 0;
        for (var round = 0; round < rounds; round++)
        {
            clock.Restart();
            ratedTotal = Rate(records, tiers, book, start, end);
            rated.Add(clock.Elapsed.TotalSeconds);
            clock.Restart();
            bareCheck = Sum(records);
            bare.Add(clock.Elapsed.TotalSeconds);
            Report.Note($"round {round + 1}: rated {rated[^1]:0.000} s ({total / rated[^1] / 1e6:0.00} M records/s), bare {bare[^1]:0.000} s ({total / bare[^1] / 1e6:0.00} M records/s)");
        }

        Report.Note($"invoices' totals summed: {ratedTotal:N0} minor units (checksum of the bare sums {bareCheck:N0})");
        var (ratedSeconds, bareSeconds) = (Stats.Median(rated), Stats.Median(bare));
        Report.Add(new Figure($"billing: rating {total:N0} resource-hours, time (median of {rounds})", ratedSeconds, "s", bareSeconds,
            "bare loop summing the same records", GoalSeconds, GoalKind.AtMost));
        Report.Add(new Figure("billing: rating throughput (median)", total / ratedSeconds, "records/s", total / bareSeconds, "bare loop summing the same records", null, GoalKind.AtLeast));
    }

    // One resource's records are contiguous (as GetTenantUsageAsync groups them); tiers cycle core, regional, edge.
    private static (UsageRecord[][] Records, SiteTier[] Tiers) Generate(int resources, int hours)
    {
        var random = new Random(15);
        var start = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var records = new UsageRecord[resources][];
        var tiers = new SiteTier[resources];
        for (var r = 0; r < resources; r++)
        {
            var (id, tenant, project) = ($"vm-{r:D6}", $"t-{r / ResourcesPerTenant:D4}", $"p-{r % 3}");
            var (vcpu, ram, disk) = (1 + random.Next(16), 512L * (1 + random.Next(128)), 10L + random.Next(490));
            tiers[r] = (SiteTier)(r % 3);
            var hoursOf = records[r] = new UsageRecord[hours];
            for (var h = 0; h < hours; h++)
            {
                // One hour in twenty is partial (a resource created, resized or deleted inside it).
                var seconds = random.Next(20) == 0 ? 1L + random.Next(3599) : 3600L;
                hoursOf[h] = new UsageRecord(id, tenant, project, start.AddHours(h), seconds, vcpu * seconds, ram * seconds, disk * seconds);
            }
        }

        return (records, tiers);
    }

    private static long Rate(UsageRecord[][] records, SiteTier[] tiers, PriceBook book, DateTimeOffset start, DateTimeOffset end)
    {
        long totals = 0;
        var roots = new byte[32];
        for (var first = 0; first < records.Length; first += ResourcesPerTenant)
        {
            var usage = new List<RatedUsage>(ResourcesPerTenant);
            for (var r = first; r < Math.Min(records.Length, first + ResourcesPerTenant); r++)
            {
                long seconds = 0, vcpu = 0, ram = 0, disk = 0;
                foreach (var u in records[r])
                {
                    seconds += u.Seconds;
                    vcpu += u.VCpuSeconds;
                    ram += u.RamMiBSeconds;
                    disk += u.DiskGiBSeconds;
                }

                var any = records[r][0];
                usage.Add(new RatedUsage(any.ResourceId, any.ProjectId, tiers[r], seconds, vcpu, ram, disk));
            }

            var invoice = Invoice.Build($"inv-{records[first][0].TenantId}", records[first][0].TenantId, start, end, book, roots, 1_500, usage, []);
            _ = invoice.Hash();
            totals += invoice.Total;
        }

        return totals;
    }

    private static long Sum(UsageRecord[][] records)
    {
        long check = 0;
        foreach (var hours in records)
        {
            long seconds = 0, vcpu = 0, ram = 0, disk = 0;
            foreach (var u in hours)
            {
                seconds += u.Seconds;
                vcpu += u.VCpuSeconds;
                ram += u.RamMiBSeconds;
                disk += u.DiskGiBSeconds;
            }

            check += seconds + vcpu + ram + disk;
        }

        return check;
    }
}
