using System.Security.Cryptography;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Billing;

/// <summary>A resource's line of an invoice: its usage in the period and each dimension's charge, in minor units.</summary>
public sealed record InvoiceLine(
    string ProjectId, string ResourceId, SiteTier Tier, long Seconds, long VCpuSeconds, long RamMiBSeconds, long DiskGiBSeconds,
    long VCpuAmount, long RamAmount, long DiskAmount)
{
    /// <summary>The line's charge: the sum of its dimensions'.</summary>
    public long Amount => VCpuAmount + RamAmount + DiskAmount;
}

/// <summary>A service credit for a resource that missed its tier's availability target (a negative line of the invoice).</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="ExpectedSeconds">Seconds it was expected up.</param>
/// <param name="DownSeconds">Seconds it was down.</param>
/// <param name="TargetPpm">Its tier's target, parts per million.</param>
/// <param name="Percent">The schedule's percent of the resource's charge.</param>
/// <param name="Amount">The credit, minor units: <c>round_half_even(charge × percent / 100)</c>.</param>
public sealed record SlaCredit(string ResourceId, long ExpectedSeconds, long DownSeconds, long TargetPpm, int Percent, long Amount);

/// <summary>
/// A tenant's bill for a period, in the price book's currency (minor units). Its <see cref="Hash"/> is the canonical
/// encoding (docs/billing.md) that the customer and an auditor recompute and sign, and that the chain records.
/// </summary>
/// <param name="Id">The invoice id (<c>inv-</c>…); on chain <c>keccak256</c> of it.</param>
/// <param name="TenantId">The tenant billed.</param>
/// <param name="PeriodStart">Start of the period (inclusive, UTC whole seconds).</param>
/// <param name="PeriodEnd">End of the period (exclusive).</param>
/// <param name="PriceBookVersion">The prices applied.</param>
/// <param name="Currency">The price book's currency.</param>
/// <param name="MinorDigits">Its minor unit's digits.</param>
/// <param name="UsageRoots">The 32-byte commitment to the anchored usage batches the lines come from.</param>
/// <param name="TaxBasisPoints">Tax rate in hundredths of a percent (1,500 = 15 %).</param>
/// <param name="Lines">One line per resource, ordered by project then resource id (ordinal).</param>
/// <param name="Credits">SLA credits, ordered by resource id.</param>
public sealed record Invoice(
    string Id, string TenantId, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, long PriceBookVersion, string Currency, int MinorDigits,
    byte[] UsageRoots, int TaxBasisPoints, IReadOnlyList<InvoiceLine> Lines, IReadOnlyList<SlaCredit> Credits)
{
    private static readonly byte[] Domain = "sankofa.invoice.v1"u8.ToArray();

    /// <summary>Sum of the lines.</summary>
    public long Subtotal => Lines.Sum(l => l.Amount);

    /// <summary>Sum of the credits.</summary>
    public long CreditTotal => Credits.Sum(c => c.Amount);

    /// <summary>Tax on what is left after credits: <c>round_half_even((subtotal − credits) × basisPoints / 10,000)</c>.</summary>
    public long Tax => Rating.RoundHalfEven((Int128)(Subtotal - CreditTotal) * TaxBasisPoints, 10_000);

    /// <summary>What the tenant owes: subtotal − credits + tax.</summary>
    public long Total => Subtotal - CreditTotal + Tax;

    /// <summary>
    /// <c>SHA256("sankofa.invoice.v1" ‖ id ‖ tenant ‖ periodStart ‖ periodEnd ‖ priceBookVersion ‖ currency ‖ minorDigits ‖
    /// usageRoots (32 bytes) ‖ taxBasisPoints ‖ lineCount ‖ lines… ‖ creditCount ‖ credits… ‖ subtotal ‖ creditTotal ‖ tax ‖
    /// total)</c>; a line is <c>project ‖ resource ‖ tier ‖ seconds ‖ vcpuSeconds ‖ ramMiBSeconds ‖ diskGiBSeconds ‖
    /// vcpuAmount ‖ ramAmount ‖ diskAmount</c>, a credit <c>resource ‖ expectedSeconds ‖ downSeconds ‖ targetPpm ‖ percent ‖
    /// amount</c>; integers 8-byte big-endian (times in unix seconds), strings a 4-byte big-endian length then UTF-8.
    /// </summary>
    public byte[] Hash()
    {
        var e = new BillingEncoding(Domain);
        e.Text(Id);
        e.Text(TenantId);
        e.Int(PeriodStart.ToUnixTimeSeconds());
        e.Int(PeriodEnd.ToUnixTimeSeconds());
        e.Int(PriceBookVersion);
        e.Text(Currency);
        e.Int(MinorDigits);
        e.Bytes(UsageRoots);
        e.Int(TaxBasisPoints);
        e.Int(Lines.Count);
        foreach (var l in Lines)
        {
            e.Text(l.ProjectId);
            e.Text(l.ResourceId);
            e.Text(BillingNames.Name(l.Tier));
            e.Int(l.Seconds);
            e.Int(l.VCpuSeconds);
            e.Int(l.RamMiBSeconds);
            e.Int(l.DiskGiBSeconds);
            e.Int(l.VCpuAmount);
            e.Int(l.RamAmount);
            e.Int(l.DiskAmount);
        }

        e.Int(Credits.Count);
        foreach (var c in Credits)
        {
            e.Text(c.ResourceId);
            e.Int(c.ExpectedSeconds);
            e.Int(c.DownSeconds);
            e.Int(c.TargetPpm);
            e.Int(c.Percent);
            e.Int(c.Amount);
        }

        e.Int(Subtotal);
        e.Int(CreditTotal);
        e.Int(Tax);
        e.Int(Total);
        return SHA256.HashData(e.ToArray());
    }

    /// <summary>
    /// Rates <paramref name="usage"/> at <paramref name="prices"/> and credits each resource that missed its tier's target
    /// per <paramref name="availability"/> (resources without an entry were not measured and get no credit).
    /// </summary>
    public static Invoice Build(
        string id, string tenantId, DateTimeOffset periodStart, DateTimeOffset periodEnd, PriceBook prices, byte[] usageRoots, int taxBasisPoints,
        IEnumerable<RatedUsage> usage, IEnumerable<ResourceAvailability> availability)
    {
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(usageRoots);
        ArgumentOutOfRangeException.ThrowIfNotEqual(usageRoots.Length, 32, nameof(usageRoots));
        ArgumentOutOfRangeException.ThrowIfNegative(taxBasisPoints);
        var lines = usage.Select(u => Rating.Rate(u, prices))
            .OrderBy(l => l.ProjectId, StringComparer.Ordinal).ThenBy(l => l.ResourceId, StringComparer.Ordinal).ToList();
        var measured = availability.OrderBy(a => a.ResourceId, StringComparer.Ordinal).ToList();
        if (lines.GroupBy(l => l.ResourceId).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Resource {twice.Key} has two usage lines: a resource's usage in the period is summed into one.", nameof(usage));
        }

        if (measured.GroupBy(a => a.ResourceId).FirstOrDefault(g => g.Count() > 1) is { } measuredTwice)
        {
            throw new ArgumentException($"Resource {measuredTwice.Key} has two availability figures for the period.", nameof(availability));
        }

        var byResource = lines.ToDictionary(l => l.ResourceId, StringComparer.Ordinal);
        var credits = new List<SlaCredit>();
        foreach (var a in measured)
        {
            if (!byResource.TryGetValue(a.ResourceId, out var line))
            {
                continue;
            }

            var percent = Sla.CreditPercent(line.Tier, a);
            if (percent > 0)
            {
                credits.Add(new SlaCredit(a.ResourceId, a.ExpectedSeconds, a.DownSeconds, Sla.TargetPpm(line.Tier), percent,
                    Rating.RoundHalfEven((Int128)line.Amount * percent, 100)));
            }
        }

        return new Invoice(id, tenantId, periodStart, periodEnd, prices.Version, prices.Currency, prices.MinorDigits, usageRoots, taxBasisPoints, lines, credits);
    }
}
