using Sankofa.Core.Billing;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Billing;

/// <summary>
/// An invoice worked out by hand (the arithmetic is in the comments), including banker's rounding, SLA credits of two
/// schedule steps and tax; its canonical hash is pinned, since changing the encoding breaks every signed invoice.
/// </summary>
public sealed class GoldenInvoiceTests
{
    private static readonly DateTimeOffset Start = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = Start.AddDays(30);

    internal static PriceBook Book(long version = 1) => new(version, Start, "USD", 2,
    [
        new(SiteTier.Core, BillingDimension.VCpu, 4_200_000), // 4.2 ¢ per vCPU-hour
        new(SiteTier.Core, BillingDimension.RamGiB, 600_000), // 0.6 ¢ per GiB-hour
        new(SiteTier.Core, BillingDimension.DiskGiB, 15_000), // 0.015 ¢ per GiB-hour
        new(SiteTier.Regional, BillingDimension.VCpu, 3_600_000),
        new(SiteTier.Regional, BillingDimension.RamGiB, 500_000),
        new(SiteTier.Regional, BillingDimension.DiskGiB, 12_000),
        new(SiteTier.Edge, BillingDimension.VCpu, 5_000_000),
        new(SiteTier.Edge, BillingDimension.RamGiB, 700_000),
        new(SiteTier.Edge, BillingDimension.DiskGiB, 20_000),
    ]);

    [Fact]
    public void The_hand_worked_invoice_comes_out_to_the_cent_with_its_pinned_hash()
    {
        const long Month = 30 * 24 * 3600; // 2,592,000 s
        var usage = new[]
        {
            // 2 vCPU, 4 GiB, 40 GiB on a core site all month: 2 × 720 h × 4.2 = 6,048; 4 × 720 × 0.6 = 1,728; 40 × 720 × 0.015 = 432.
            new RatedUsage("vm-a1", "p-a", SiteTier.Core, Month, 2 * Month, 4096L * Month, 40L * Month),
            // 1 vCPU, 1 GiB, 10 GiB at the edge for 1,000 s: 1,000/3,600 × 5 = 1.39 → 1; RAM 0.19 → 0; disk 0.056 → 0.
            new RatedUsage("vm-a2", "p-a", SiteTier.Edge, 1_000, 1_000, 1024L * 1_000, 10L * 1_000),
            // Regional, 1 vCPU for 2,500 s: 2,500/3,600 × 3.6 = 2.5 → 2 (half to even); RAM and disk round to 0.
            new RatedUsage("vm-b3", "p-b", SiteTier.Regional, 2_500, 2_500, 512L * 2_500, 5L * 2_500),
            // 3,500 s: 3.5 → 4 (half to even); RAM 0.24 → 0, disk 0.058 → 0.
            new RatedUsage("vm-b4", "p-b", SiteTier.Regional, 3_500, 3_500, 512L * 3_500, 5L * 3_500),
        };
        var availability = new[]
        {
            // Down 600 s of the month: 999,768.5 ppm, under core's 999,900 but not a point under: 10 % of 8,208 = 820.8 → 821.
            new ResourceAvailability("vm-a1", Month, 600),
            // Down 200 of 3,500 s: 942,857 ppm, under 95 %: 100 % of 4.
            new ResourceAvailability("vm-b4", 3_500, 200),
            // Up all along: no credit.
            new ResourceAvailability("vm-b3", 2_500, 0),
        };

        var invoice = Invoice.Build("inv-t1-2027-01", "t1", Start, End, Book(), new byte[32], 1_500, usage, availability);

        Assert.Equal(["vm-a1", "vm-a2", "vm-b3", "vm-b4"], invoice.Lines.Select(l => l.ResourceId));
        Assert.Equal((6_048L, 1_728L, 432L, 8_208L), (invoice.Lines[0].VCpuAmount, invoice.Lines[0].RamAmount, invoice.Lines[0].DiskAmount, invoice.Lines[0].Amount));
        Assert.Equal([8_208L, 1L, 2L, 4L], invoice.Lines.Select(l => l.Amount));
        Assert.Equal([("vm-a1", 10, 821L), ("vm-b4", 100, 4L)], invoice.Credits.Select(c => (c.ResourceId, c.Percent, c.Amount)));
        Assert.Equal(8_215, invoice.Subtotal);
        Assert.Equal(825, invoice.CreditTotal);
        Assert.Equal(1_108, invoice.Tax); // 15 % of 7,390 = 1,108.5 → 1,108 (half to even)
        Assert.Equal(8_498, invoice.Total); // $84.98
        Assert.Equal("fdc4484ead699053d6498fda2d24c3b98034dd319b76f268a1c11f09c238fdf7", Convert.ToHexStringLower(invoice.Hash())); // also recomputed by a few lines of Python from docs/billing.md
    }

    [Fact]
    public void A_price_books_hash_ignores_the_order_prices_are_given_in_and_changes_with_any_rate()
    {
        var book = Book();
        var shuffled = book with { Prices = [.. book.Prices.Reverse()] };
        var dearer = book with { Prices = [.. book.Prices.Select((p, i) => i == 4 ? p with { MicroMinorPerUnitHour = p.MicroMinorPerUnitHour + 1 } : p)] };

        Assert.Equal(book.Hash(), shuffled.Hash());
        Assert.NotEqual(book.Hash(), dearer.Hash());
        Assert.Empty(book.Validate());
    }

    [Fact]
    public void An_invalid_price_book_names_each_field()
    {
        var book = new PriceBook(0, Start.AddMilliseconds(5), "usd", 7, [new(SiteTier.Core, BillingDimension.VCpu, -1)]);

        var errors = book.Validate();

        Assert.Equal(["currency", "effectiveFrom", "minorDigits", "prices", "prices[0].microMinorPerUnitHour", "version"], errors.Keys.Order());
        Assert.Contains("edge disk-gib-hour", errors["prices"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5, 2, 2)] // 2.5 → 2
    [InlineData(7, 2, 4)] // 3.5 → 4
    [InlineData(11, 4, 3)] // 2.75 → 3
    [InlineData(9, 4, 2)] // 2.25 → 2
    [InlineData(0, 3, 0)]
    public void Rounding_is_half_to_even(long numerator, long denominator, long expected) =>
        Assert.Equal(expected, Rating.RoundHalfEven(numerator, denominator));

    [Fact]
    public void A_run_uses_the_price_book_in_force_at_the_periods_start_and_prices_each_resource_at_its_sites_tier()
    {
        var books = new[] { Book(1), Book(2) with { EffectiveFrom = Start.AddDays(15) }, Book(3) with { EffectiveFrom = Start.AddDays(40) } };

        Assert.Equal(1, BillingRun.InForce(books, Start)!.Version);
        Assert.Equal(2, BillingRun.InForce(books, Start.AddDays(30))!.Version); // version 2 took effect mid-January: from February on
        Assert.Null(BillingRun.InForce(books, Start.AddDays(-1)));

        var catalog = SiteCatalog.Default;
        var core = catalog.Sites.First(s => s.Tier == SiteTier.Core).Id;
        var rated = BillingRun.Rated([new Sankofa.Core.Provisioning.TenantUsage("vm-1", "p", core, 60, 120, 60 * 1024, 600, 1, 1)], catalog);
        Assert.Equal(new RatedUsage("vm-1", "p", SiteTier.Core, 60, 120, 60 * 1024, 600), Assert.Single(rated));
    }
}
