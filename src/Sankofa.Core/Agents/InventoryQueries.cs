using Sankofa.Core.Access;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Agents;

/// <summary>Reads of sites' agent inventories, for platform callers holding <see cref="Permission.AgentsRead"/>; REST and the portal map these.</summary>
/// <param name="reports">The latest reports.</param>
/// <param name="catalog">The fleet's sites.</param>
public sealed class InventoryQueries(ISiteReports reports, SiteCatalog catalog)
{
    /// <summary>The site's latest inventory with its health and drift; not found when the site has none (yet).</summary>
    public Result<SiteInventoryState> Get(Caller caller, string siteId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.HasAny(Permission.AgentsRead))
        {
            return AccessErrors.Forbidden(Permission.AgentsRead);
        }

        if (catalog.Find(siteId) is null)
        {
            return Error.NotFound("site", $"There is no site '{siteId}' in the catalog.");
        }

        return reports.Latest(siteId) is { } state
            ? Result<SiteInventoryState>.Ok(state)
            : Error.NotFound("site", $"Site '{siteId}' has no inventory: its agent has sent none to this control plane (or the site is in direct mode).");
    }
}
