using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Billing;

/// <summary>The rules a billing run applies before rating (docs/billing.md).</summary>
public static class BillingRun
{
    /// <summary>
    /// The price book an invoice for a period starting at <paramref name="periodStart"/> uses: the latest version in
    /// force then (a version taking effect inside a period applies from the next period); null when none is.
    /// </summary>
    public static PriceBook? InForce(IEnumerable<PriceBook> books, DateTimeOffset periodStart) =>
        books.Where(b => b.EffectiveFrom <= periodStart).MaxBy(b => b.Version);

    /// <summary>A tenant's usage as rating takes it: each resource priced at the tier of the catalog site it ran at.</summary>
    /// <exception cref="KeyNotFoundException">A resource ran at a site the catalog no longer has.</exception>
    public static IReadOnlyList<RatedUsage> Rated(IEnumerable<TenantUsage> usage, SiteCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(catalog);
        return [.. usage.Select(u => new RatedUsage(u.ResourceId, u.ProjectId, catalog.Get(u.SiteId).Tier, u.Seconds, u.VCpuSeconds, u.RamMiBSeconds, u.DiskGiBSeconds))];
    }
}
