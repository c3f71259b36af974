using Sankofa.Core.Ledger;
using Sankofa.Core.Residency;

namespace Sankofa.Core.Tests.Residency;

/// <summary>The residency rules: what a report flags for one resource, from the store's site and the chain's record.</summary>
public class ResidencyFlagsTests
{
    private static ResidencyRecord Chain(string? jurisdiction = "NG", bool siteMatches = true, OnChainResourceState? state = OnChainResourceState.Provisioned) =>
        new("0xkey", state, state is null ? null : "0xsite", siteMatches, siteMatches, jurisdiction, 12);

    [Fact]
    public void A_resource_where_the_store_and_the_chain_agree_inside_its_jurisdictions_is_not_flagged()
    {
        Assert.Empty(ResidencyFlags.Of("NG", ["GH", "NG"], Chain(), placedOnChain: true));
        Assert.Empty(ResidencyFlags.Of("FR", null, Chain("FR"), placedOnChain: true));
    }

    [Fact]
    public void A_store_moved_to_a_site_abroad_is_outside_its_jurisdictions_and_differs_from_the_chain()
    {
        var flags = ResidencyFlags.Of("FR", ["NG"], Chain("NG", siteMatches: false), placedOnChain: true);

        Assert.Equal([ResidencyFlags.OutsideAllowedJurisdictions, ResidencyFlags.SiteDiffersFromChain, ResidencyFlags.JurisdictionDiffersFromChain], flags);
    }

    [Fact]
    public void A_chain_record_abroad_is_outside_even_when_the_store_looks_right()
    {
        var flags = ResidencyFlags.Of("NG", ["NG"], Chain("FR", siteMatches: false), placedOnChain: true);

        Assert.Contains(ResidencyFlags.OutsideAllowedJurisdictions, flags);
        Assert.Contains(ResidencyFlags.JurisdictionDiffersFromChain, flags);
    }

    [Fact]
    public void A_resource_the_chain_does_not_hold_or_placed_without_a_jurisdiction_is_named_so()
    {
        Assert.Equal([ResidencyFlags.NotOnChain], ResidencyFlags.Of("NG", ["NG"], Chain(state: null), placedOnChain: false));
        Assert.Equal([ResidencyFlags.NoJurisdictionOnChain], ResidencyFlags.Of("NG", ["NG"], Chain(jurisdiction: null), placedOnChain: true));
    }
}
