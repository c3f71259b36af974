using Sankofa.Core.Residency;

namespace Sankofa.Server.Compliance;

/// <summary>A tenant's residency report.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="From">Start of the period.</param>
/// <param name="To">End of the period (exclusive).</param>
/// <param name="GeneratedAt">When it was made.</param>
/// <param name="Chain">Where the proofs were read: chain id, ResourceRegistry address and block.</param>
/// <param name="Flagged">How many resources carry a flag.</param>
/// <param name="Resources">Every resource that existed in the period.</param>
public sealed record ResidencyReportResponse(
    string Tenant, DateTimeOffset From, DateTimeOffset To, DateTimeOffset GeneratedAt, ResidencyChainResponse Chain, int Flagged,
    IReadOnlyList<ResidencyLineResponse> Resources);

/// <summary>The chain the proofs were read from.</summary>
/// <param name="ChainId">Chain id.</param>
/// <param name="Registry">ResourceRegistry address.</param>
/// <param name="Block">Block read.</param>
public sealed record ResidencyChainResponse(long ChainId, string Registry, long Block);

/// <summary>One resource: where it ran, the chain's record, and what is flagged.</summary>
/// <param name="Id">Resource id.</param>
/// <param name="Name">Name.</param>
/// <param name="Project">Project.</param>
/// <param name="Status">Status now.</param>
/// <param name="Site">Site (the store's).</param>
/// <param name="Host">Host (the store's).</param>
/// <param name="Jurisdiction">The site's jurisdiction (ISO 3166-1 alpha-2).</param>
/// <param name="AllowedJurisdictions">The residency rule it was created under; null when none.</param>
/// <param name="RanFrom">Start of its presence in the period.</param>
/// <param name="RanUntil">End of its presence in the period.</param>
/// <param name="Proof">The chain's record.</param>
/// <param name="Flags">What is wrong; empty when nothing is.</param>
public sealed record ResidencyLineResponse(
    string Id, string Name, string Project, string Status, string Site, string Host, string Jurisdiction, IReadOnlyList<string>? AllowedJurisdictions,
    DateTimeOffset RanFrom, DateTimeOffset RanUntil, ResidencyProofResponse Proof, IReadOnlyList<string> Flags);

/// <summary>What ResourceRegistry records for the resource; check it with <c>cast call REGISTRY 'resourceOf(bytes32)' KEY</c> and <c>'jurisdictionOf(bytes32)(bytes2)'</c>.</summary>
/// <param name="ResourceKey">keccak-256 of the resource id.</param>
/// <param name="State">State on chain (none when the chain holds nothing).</param>
/// <param name="Site">Site hash on chain.</param>
/// <param name="SiteMatches">Whether it is keccak-256 of the store's site (and the host hash of its host).</param>
/// <param name="Jurisdiction">Jurisdiction recorded with the placement.</param>
/// <param name="UpdatedBlock">Block of the last change on chain.</param>
public sealed record ResidencyProofResponse(string ResourceKey, string State, string? Site, bool SiteMatches, string? Jurisdiction, long? UpdatedBlock);

/// <summary>Maps reports to API shapes.</summary>
internal static class ResidencyMapping
{
    public static ResidencyReportResponse ToResponse(this ResidencyReport r) => new(
        r.TenantId, r.From, r.To, r.GeneratedAt, new ResidencyChainResponse(r.ChainId, r.Registry, r.Block), r.Flagged,
        [.. r.Resources.Select(l => new ResidencyLineResponse(
            l.ResourceId, l.Name, l.ProjectId, l.Status.ToLowerInvariant(), l.SiteId, l.HostId, l.Jurisdiction, l.AllowedJurisdictions, l.RanFrom, l.RanUntil,
            new ResidencyProofResponse(l.Chain.ResourceKey, (l.Chain.State?.ToString() ?? "None").ToLowerInvariant(), l.Chain.Site,
                l.Chain.SiteMatches && l.Chain.HostMatches, l.Chain.Jurisdiction, l.Chain.UpdatedBlock),
            l.Flags))]);
}
