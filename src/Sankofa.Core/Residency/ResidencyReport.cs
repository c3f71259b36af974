using Sankofa.Core.Ledger;

namespace Sankofa.Core.Residency;

/// <summary>A tenant's residency over a period: every resource that existed in it, where it ran, the chain's record, and what is wrong.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="From">Start of the period (inclusive).</param>
/// <param name="To">End of the period (exclusive).</param>
/// <param name="GeneratedAt">When the report was made.</param>
/// <param name="ChainId">The chain the records were read from.</param>
/// <param name="Registry">The ResourceRegistry contract read.</param>
/// <param name="Block">The block read.</param>
/// <param name="Resources">One line per resource, oldest first.</param>
public sealed record ResidencyReport(
    string TenantId, DateTimeOffset From, DateTimeOffset To, DateTimeOffset GeneratedAt, long ChainId, string Registry, long Block,
    IReadOnlyList<ResidencyLine> Resources)
{
    /// <summary>How many resources carry at least one flag.</summary>
    public int Flagged => Resources.Count(r => r.Flags.Count > 0);
}

/// <summary>One resource in a residency report.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="Name">Its name.</param>
/// <param name="ProjectId">Its project.</param>
/// <param name="Status">Its status now.</param>
/// <param name="SiteId">The site it ran at, as the store says.</param>
/// <param name="HostId">The host, as the store says.</param>
/// <param name="Jurisdiction">The site's jurisdiction in the catalog (ISO 3166-1 alpha-2).</param>
/// <param name="AllowedJurisdictions">The residency rule it was created under, or <c>null</c> when it had none.</param>
/// <param name="RanFrom">Start of its presence within the period.</param>
/// <param name="RanUntil">End of its presence within the period.</param>
/// <param name="Chain">The chain's record: the proof.</param>
/// <param name="Flags">What is wrong (see <see cref="ResidencyFlags"/>); empty when nothing is.</param>
public sealed record ResidencyLine(
    string ResourceId, string Name, string ProjectId, string Status, string SiteId, string HostId, string Jurisdiction,
    IReadOnlyList<string>? AllowedJurisdictions, DateTimeOffset RanFrom, DateTimeOffset RanUntil, ResidencyRecord Chain, IReadOnlyList<string> Flags);

/// <summary>The flags a residency line may carry.</summary>
public static class ResidencyFlags
{
    /// <summary>The site the store names, or the jurisdiction on chain, is outside the resource's allowed jurisdictions.</summary>
    public const string OutsideAllowedJurisdictions = "outsideAllowedJurisdictions";

    /// <summary>The chain records another site or host than the store: the store was changed, or the record is wrong.</summary>
    public const string SiteDiffersFromChain = "siteDiffersFromChain";

    /// <summary>The chain records another jurisdiction than the catalog gives the store's site.</summary>
    public const string JurisdictionDiffersFromChain = "jurisdictionDiffersFromChain";

    /// <summary>The chain holds no record of the resource (yet).</summary>
    public const string NotOnChain = "notOnChain";

    /// <summary>The chain records the placement without a jurisdiction (placed before jurisdictions were recorded).</summary>
    public const string NoJurisdictionOnChain = "noJurisdictionOnChain";

    /// <summary>The rules: what is flagged for one resource, given the catalog's jurisdiction of its site and the chain's record.</summary>
    public static IReadOnlyList<string> Of(string storeJurisdiction, IReadOnlyList<string>? allowed, ResidencyRecord chain, bool placedOnChain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var flags = new List<string>();
        if (allowed is not null && (!allowed.Contains(storeJurisdiction) || (chain.Jurisdiction is { } onChain && !allowed.Contains(onChain))))
        {
            flags.Add(OutsideAllowedJurisdictions);
        }

        if (chain.State is null or OnChainResourceState.None)
        {
            // A resource still waiting for its chain record is not yet provable; say so rather than call it wrong.
            flags.Add(NotOnChain);
            return flags;
        }

        if (!placedOnChain)
        {
            return flags;
        }

        if (!chain.SiteMatches || !chain.HostMatches)
        {
            flags.Add(SiteDiffersFromChain);
        }

        if (chain.Jurisdiction is null)
        {
            flags.Add(NoJurisdictionOnChain);
        }
        else if (chain.Jurisdiction != storeJurisdiction)
        {
            flags.Add(JurisdictionDiffersFromChain);
        }

        return flags;
    }
}
