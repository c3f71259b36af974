using Sankofa.Core.Ledger;

namespace Sankofa.Core.Residency;

/// <summary>What the chain records of resources' placements, compared with what the store claims.</summary>
public interface IResidencyLedger
{
    /// <summary>
    /// Reads each resource's record (site, host, state) and the jurisdiction recorded with its placement, straight from
    /// the ResourceRegistry contract, and compares the site and host with the store's claim.
    /// </summary>
    /// <exception cref="LedgerUnavailableException">The chain cannot be read.</exception>
    Task<ResidencyChainRead> ReadAsync(IReadOnlyList<ResidencyClaim> claims, CancellationToken cancellationToken);
}

/// <summary>Where the store says a resource was placed.</summary>
/// <param name="ResourceId">Sankofa's resource id.</param>
/// <param name="SiteId">The store's site.</param>
/// <param name="HostId">The store's host.</param>
public sealed record ResidencyClaim(string ResourceId, string SiteId, string HostId);

/// <summary>The chain's records of a set of resources.</summary>
/// <param name="ChainId">The chain read.</param>
/// <param name="Registry">The ResourceRegistry contract read (0x address).</param>
/// <param name="Block">The block the records were read at.</param>
/// <param name="Records">One per claim, in the same order.</param>
public sealed record ResidencyChainRead(long ChainId, string Registry, long Block, IReadOnlyList<ResidencyRecord> Records);

/// <summary>What the chain holds for one resource.</summary>
/// <param name="ResourceKey">The resource's key on chain: keccak-256 of its id (0x hex).</param>
/// <param name="State">Its state on chain, or <c>null</c> when the chain holds nothing.</param>
/// <param name="Site">The site hash on chain (0x hex), or <c>null</c>.</param>
/// <param name="SiteMatches">Whether it is the hash of the store's site.</param>
/// <param name="HostMatches">Whether the host hash is the hash of the store's host.</param>
/// <param name="Jurisdiction">The jurisdiction recorded with the placement, or <c>null</c> when none was.</param>
/// <param name="UpdatedBlock">The block of its last change on chain.</param>
public sealed record ResidencyRecord(
    string ResourceKey, OnChainResourceState? State, string? Site, bool SiteMatches, bool HostMatches, string? Jurisdiction, long? UpdatedBlock);
