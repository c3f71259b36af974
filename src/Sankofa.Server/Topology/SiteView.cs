using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;

namespace Sankofa.Server.Topology;

/// <summary>
/// What the APIs (REST and GraphQL) say about a site: the catalog's facts, the last probe of its hypervisor, and whether
/// Sankofa can provision there at all, so a site shown "up" by the catalog but without a configured hypervisor does not
/// look like a placement target.
/// </summary>
internal sealed class SiteView(SiteCatalog catalog, ISiteHealth health, IVirtualMachineProviderFactory providers)
{
    private readonly HashSet<string> provisionable = providers.ClusterIds.ToHashSet(StringComparer.Ordinal);

    public SiteCatalog Catalog => catalog;

    public SiteResponse Describe(Site site, bool withHosts) =>
        SiteResponse.From(site, health.Observe(site.Id), provisionable.Contains(site.Id), withHosts);
}
