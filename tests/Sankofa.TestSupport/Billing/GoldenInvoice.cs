using Sankofa.Core.Billing;
using Sankofa.Core.Topology;

namespace Sankofa.TestSupport.Billing;

/// <summary>
/// The hand-worked invoice of docs/billing.md ("Worked example"; its arithmetic in
/// tests/Sankofa.Core.Tests/Billing/GoldenInvoiceTests.cs): four resources in two projects, two SLA credits, 15 % tax,
/// total 8,498 (USD 84.98).
/// </summary>
public static class GoldenInvoice
{
    /// <summary>The period's start, 2027-01-01 UTC; it lasts 30 days.</summary>
    public static readonly DateTimeOffset Start = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The pinned hash of <see cref="Build"/>'s invoice.</summary>
    public const string Hash = "fdc4484ead699053d6498fda2d24c3b98034dd319b76f268a1c11f09c238fdf7";

    private const long Month = 30 * 24 * 3600;

    /// <summary>Prices in force from <see cref="Start"/>: core 4.2 / 0.6 / 0.015 ¢, regional 3.6 / 0.5 / 0.012 ¢, edge 5 / 0.7 / 0.02 ¢ per unit-hour.</summary>
    public static PriceBook Book(long version = 1) => new(version, Start, "USD", 2,
    [
        new(SiteTier.Core, BillingDimension.VCpu, 4_200_000),
        new(SiteTier.Core, BillingDimension.RamGiB, 600_000),
        new(SiteTier.Core, BillingDimension.DiskGiB, 15_000),
        new(SiteTier.Regional, BillingDimension.VCpu, 3_600_000),
        new(SiteTier.Regional, BillingDimension.RamGiB, 500_000),
        new(SiteTier.Regional, BillingDimension.DiskGiB, 12_000),
        new(SiteTier.Edge, BillingDimension.VCpu, 5_000_000),
        new(SiteTier.Edge, BillingDimension.RamGiB, 700_000),
        new(SiteTier.Edge, BillingDimension.DiskGiB, 20_000),
    ]);

    /// <summary>vm-a1 (p-a, core, all month), vm-a2 (p-a, edge, 1,000 s), vm-b3 and vm-b4 (p-b, regional, 2,500 and 3,500 s).</summary>
    public static RatedUsage[] Usage() =>
    [
        new("vm-a1", "p-a", SiteTier.Core, Month, 2 * Month, 4096L * Month, 40L * Month),
        new("vm-a2", "p-a", SiteTier.Edge, 1_000, 1_000, 1024L * 1_000, 10L * 1_000),
        new("vm-b3", "p-b", SiteTier.Regional, 2_500, 2_500, 512L * 2_500, 5L * 2_500),
        new("vm-b4", "p-b", SiteTier.Regional, 3_500, 3_500, 512L * 3_500, 5L * 3_500),
    ];

    /// <summary>vm-a1 down 600 s of the month (10 % credit), vm-b4 down 200 of 3,500 s (100 %), vm-b3 up all along.</summary>
    public static ResourceAvailability[] Availability() =>
        [new("vm-a1", Month, 600), new("vm-b4", 3_500, 200), new("vm-b3", 2_500, 0)];

    /// <summary>The invoice <c>inv-t1-2027-01</c> for tenant <c>t1</c>: zero usage roots, tax 1,500 basis points.</summary>
    public static Invoice Build() =>
        Invoice.Build("inv-t1-2027-01", "t1", Start, Start.AddDays(30), Book(), new byte[32], 1_500, Usage(), Availability());
}
