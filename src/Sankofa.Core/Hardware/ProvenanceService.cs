using Sankofa.Core.Access;
using Sankofa.Core.Provisioning;

namespace Sankofa.Core.Hardware;

/// <summary>
/// The provenance of a VM's hardware: the host it runs on, the server that becomes that host, the server's components,
/// and each one's custody events with their chain records; and what the custody rules find wrong with it.
/// </summary>
/// <param name="ResourceId">The VM.</param>
/// <param name="SiteId">Its site.</param>
/// <param name="HostId">Its host.</param>
/// <param name="Hardware">The server(s) naming the host, then their components, each with its events.</param>
/// <param name="Gaps">What the custody rules find (empty: verified).</param>
public sealed record Provenance(string ResourceId, string SiteId, string HostId, IReadOnlyList<AssetCustody> Hardware, IReadOnlyList<CustodyGap> Gaps)
{
    /// <summary>True when the host's custody has no gap.</summary>
    public bool Verified => Gaps.Count == 0;
}

/// <summary>
/// Provenance of resources for REST, CLI and portal alike: whoever may read the resource (its tenant's readers) reads
/// the provenance of the hardware it runs on.
/// </summary>
public sealed class ProvenanceService(ResourceQueries resources, IAssetStore store)
{
    /// <summary>The provenance of the resource's host, when the caller may read the resource.</summary>
    public async Task<Result<Provenance>> GetAsync(Caller caller, string resourceId, CancellationToken cancellationToken)
    {
        var resource = await resources.GetResourceAsync(caller, resourceId, cancellationToken).ConfigureAwait(false);
        if (resource.Error is { } error)
        {
            return error;
        }

        var placement = resource.Value!.Placement;
        var hardware = await store.HostHardwareAsync(placement.HostId, cancellationToken).ConfigureAwait(false);
        var ordered = hardware.OrderBy(h => h.Asset.ServerId is null ? 0 : 1).ThenBy(h => h.Asset.Id, StringComparer.Ordinal).ToList();
        return Result<Provenance>.Ok(new Provenance(resourceId, placement.SiteId, placement.HostId, ordered, CustodyRules.CheckHost(placement.HostId, ordered)));
    }
}
