using Sankofa.Core.Audit;
using Sankofa.Core.Billing;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Billing;

/// <summary>
/// The verifier a customer runs, on evidence sealed here exactly as the store seals it: an honest invoice verifies; one
/// whose line was computed from usage changed after sealing, a changed payload, an hour from outside the period, a
/// missing credit or a price book other than the one on chain each fail, naming what is wrong.
/// </summary>
public sealed class InvoiceVerifierTests
{
    private static readonly DateTimeOffset Start = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = Start.AddHours(2);

    [Fact]
    public void An_honest_invoice_verifies_against_the_chain()
    {
        var (invoice, evidence, roots, onChain) = Issue(usage => usage);
        var result = InvoiceVerifier.Verify(invoice, evidence, GoldenInvoiceTests.Book(), GoldenInvoiceTests.Book().Hash(), onChain, roots);
        Assert.True(result.Status == AuditVerificationStatus.Verified, string.Join("\n", result.Problems));
        Assert.Equal(4, result.Entries); // one per tenant-hour: 2 hours of 2 resources' usage, 2 of 1's availability
        Assert.Single(invoice.Credits); // vm-2 down 1,000 of 7,200 s at the edge
    }

    [Fact]
    public void Usage_changed_in_the_store_after_sealing_is_caught_naming_the_line()
    {
        // The run read the store after someone doubled vm-1's vCPU-seconds; the sealed hours still say what was metered.
        var (invoice, evidence, roots, onChain) = Issue(usage => [.. usage.Select(u => u.ResourceId == "vm-1" ? u with { VCpuSeconds = u.VCpuSeconds * 2 } : u)]);
        var result = InvoiceVerifier.Verify(invoice, evidence, GoldenInvoiceTests.Book(), GoldenInvoiceTests.Book().Hash(), onChain, roots);
        Assert.Equal(AuditVerificationStatus.Failed, result.Status);
        Assert.Contains(result.Problems, p => p.StartsWith("line vm-1: the invoice says 7200 s, 28800 vCPU-s", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith("the invoice recomputed from the evidence hashes to", StringComparison.Ordinal));
    }

    [Fact]
    public void A_changed_payload_a_foreign_hour_and_other_prices_each_fail()
    {
        var (invoice, evidence, roots, onChain) = Issue(usage => usage);
        var changed = evidence with
        {
            Entries = [.. evidence.Entries.Select((e, i) => i == 0 ? e with { Payload = e.Payload!.Replace("\"p1\",3600,", "\"p1\",3500,", StringComparison.Ordinal) } : e)],
        };
        var result = InvoiceVerifier.Verify(invoice, changed, GoldenInvoiceTests.Book(), GoldenInvoiceTests.Book().Hash(), onChain, roots);
        Assert.Contains(result.Problems, p => p.Contains("payload does not match its payload hash", StringComparison.Ordinal));

        var otherPrices = GoldenInvoiceTests.Book() with { Prices = [.. GoldenInvoiceTests.Book().Prices.Select(p => p with { MicroMinorPerUnitHour = p.MicroMinorPerUnitHour + 1 })] };
        result = InvoiceVerifier.Verify(invoice, evidence, otherPrices, GoldenInvoiceTests.Book().Hash(), onChain, roots);
        Assert.Contains(result.Problems, p => p.StartsWith("price book 1 does not hash to the hash the chain holds", StringComparison.Ordinal));

        // The same evidence offered for a period it does not belong to.
        var later = invoice with { PeriodStart = End, PeriodEnd = End.AddHours(2) };
        result = InvoiceVerifier.Verify(later, evidence, GoldenInvoiceTests.Book(), GoldenInvoiceTests.Book().Hash(), onChain, roots);
        Assert.Contains(result.Problems, p => p.Contains("outside the invoice's tenant or period", StringComparison.Ordinal));

        // An entry offered twice: each resource's hour in it counted once only, or the verification fails.
        var twice = evidence with { Entries = [.. evidence.Entries, evidence.Entries[0]] };
        result = InvoiceVerifier.Verify(invoice, twice, GoldenInvoiceTests.Book(), GoldenInvoiceTests.Book().Hash(), onChain, roots);
        Assert.Equal(AuditVerificationStatus.Failed, result.Status);
        Assert.Contains(result.Problems, p => p.Contains("resource vm-1's hour 2027-01-01 00:00:00Z is in the evidence twice", StringComparison.Ordinal));

        // No chain record: nothing to verify against.
        Assert.Equal(AuditVerificationStatus.Failed, InvoiceVerifier.Verify(invoice, evidence, GoldenInvoiceTests.Book(), null, null, roots).Status);
    }

    [Fact]
    public void Amounts_print_in_integers()
    {
        Assert.Equal("84.98", BillingNames.Amount(8_498, 2));
        Assert.Equal("-8.21", BillingNames.Amount(-821, 2));
        Assert.Equal("0.05", BillingNames.Amount(5, 2));
        Assert.Equal("1200", BillingNames.Amount(1_200, 0));
        Assert.Equal("-92233720368547758.08", BillingNames.Amount(long.MinValue, 2));
    }

    // Seals two hours of two resources' usage and one's availability into one batch, as the store and sealer do, builds the
    // invoice from what the store "read" (after tamper), and records it on a pretend chain (the batch root and the issue).
    private static (Invoice, InvoiceEvidence, IReadOnlyDictionary<long, OnChainRoot>, OnChainInvoice) Issue(Func<IReadOnlyList<UsageRecord>, IReadOnlyList<UsageRecord>> tamper)
    {
        var hours = new[] { Start, Start.AddHours(1) };
        var usage = hours.SelectMany(h => new[]
        {
            new UsageRecord("vm-1", "t1", "p1", h, 3600, 2 * 3600, 4096L * 3600, 40L * 3600),
            new UsageRecord("vm-2", "t1", "p1", h, 3600, 1 * 3600, 1024L * 3600, 10L * 3600),
        }).ToList();
        var availability = hours.Select((h, i) => new AvailabilityHour("vm-2", "t1", "p1", h, 3600, i == 0 ? 1000 : 0)).ToList();
        var events = UsageSeal.Events(usage).Select(s => s.Event).Concat(AvailabilitySeal.Events(availability).Select(s => s.Event)).ToList();
        var unsealed = events.Select((e, i) => new AuditEntry(100 + i, Start.AddHours(2).AddSeconds(i), e.Actor, e.Action, e.Subject, AuditHashing.PayloadHash(e.Payload), e.Payload, null)).ToList();
        var (batch, sealedEntries) = AuditSealer.Seal(new AuditChainHead(41, new byte[32], 6), unsealed, Start.AddHours(3));
        var roots = new Dictionary<long, OnChainRoot> { [batch.Id] = new(batch.Id, batch.Root, batch.FirstSequence, batch.Count, 77) };

        var read = tamper(usage);
        var rated = read.GroupBy(u => u.ResourceId).Select(g => new RatedUsage(g.Key, "p1", g.Key == "vm-1" ? SiteTier.Core : SiteTier.Edge,
            g.Sum(u => u.Seconds), g.Sum(u => u.VCpuSeconds), g.Sum(u => u.RamMiBSeconds), g.Sum(u => u.DiskGiBSeconds)));
        var invoice = Invoice.Build("inv-t1-x", "t1", Start, End, GoldenInvoiceTests.Book(), UsageRoots.Commit([batch]), 1500, rated,
            [new ResourceAvailability("vm-2", 7200, 1000)]);
        var onChain = new OnChainInvoice(new byte[32], invoice.Hash(), invoice.UsageRoots, "USD", Start, End, 1, End, invoice.Total, invoice.CreditTotal,
            OnChainInvoiceState.Issued, null, null);
        return (invoice, new InvoiceEvidence(sealedEntries, [batch]), roots, onChain);
    }
}
