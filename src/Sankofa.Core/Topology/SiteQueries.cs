using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Provisioning;

namespace Sankofa.Core.Topology;

/// <summary>A site as the readers show it: the catalog's facts, the last probe of its hypervisor, and whether Sankofa can provision there.</summary>
/// <param name="Site">The catalog's site.</param>
/// <param name="Observed">The last probe, when the site's hypervisor is probed.</param>
/// <param name="Provisionable">Whether Sankofa has a hypervisor to drive there; placement treats a site without one as down.</param>
public sealed record SiteState(Site Site, SiteObservation? Observed, bool Provisionable)
{
    /// <summary>The failover decided on chain that took the site out of placement, when one is in force.</summary>
    public SiteFailover? Failover { get; init; }

    /// <summary>The site's uplink, or the site that took its uplink's role by a failover decided on chain.</summary>
    public string? Uplink { get; init; }

    /// <summary>Down while failed over; else observed health when probed, else the catalog's.</summary>
    public SiteStatus Status => Failover is not null ? SiteStatus.Down : Observed?.Status ?? Site.Status;
}

/// <summary>A site list as a caller asks for it; REST parameters and GraphQL arguments map onto it one to one.</summary>
/// <param name="Tier">Only this tier.</param>
/// <param name="Region">Only this region (any case).</param>
/// <param name="Jurisdiction">Only this ISO 3166-1 alpha-2 country (any case).</param>
/// <param name="Status">Only sites in this state (as <see cref="SiteState.Status"/>).</param>
/// <param name="After">Only sites whose id sorts after this one (the previous page's next).</param>
/// <param name="Limit">Page size, 1 to <see cref="SiteQueries.MaxPageSize"/> (default 100).</param>
public sealed record SiteListRequest(
    SiteTier? Tier = null, string? Region = null, string? Jurisdiction = null, SiteStatus? Status = null, string? After = null, int? Limit = null);

/// <summary>A page of sites ordered by id.</summary>
/// <param name="Items">The sites.</param>
/// <param name="Next">Pass as <see cref="SiteListRequest.After"/> for the next page; null on the last.</param>
public sealed record SitePage(IReadOnlyList<SiteState> Items, string? Next);

/// <summary>
/// Every read of the fleet's sites, for any caller holding <see cref="Permission.SitesRead"/>: REST, GraphQL and the
/// portal call these, so filters and their validation are the same everywhere.
/// </summary>
public sealed class SiteQueries
{
    /// <summary>Largest page a list returns.</summary>
    public const int MaxPageSize = 500;

    private readonly SiteCatalog catalog;
    private readonly ISiteHealth health;
    private readonly HashSet<string> provisionable;
    private readonly ISiteFailovers? failovers;

    /// <summary>Creates the queries.</summary>
    /// <param name="catalog">The fleet.</param>
    /// <param name="health">The sites' last probes.</param>
    /// <param name="provisionableSiteIds">The sites Sankofa has a hypervisor to drive at.</param>
    /// <param name="failovers">Site failovers decided on chain; null: none.</param>
    public SiteQueries(SiteCatalog catalog, ISiteHealth health, IEnumerable<string> provisionableSiteIds, ISiteFailovers? failovers = null)
    {
        this.catalog = catalog;
        this.health = health;
        this.failovers = failovers;
        provisionable = provisionableSiteIds.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A page of sites ordered by id, filtered as asked.</summary>
    public Result<SitePage> List(Caller caller, SiteListRequest request)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!caller.HasAny(Permission.SitesRead))
        {
            return AccessErrors.Forbidden(Permission.SitesRead);
        }

        var errors = new Dictionary<string, string[]>();
        if (request.Jurisdiction is { } jurisdiction && !CountryCodes.IsAssigned(jurisdiction.ToUpperInvariant()))
        {
            errors["jurisdiction"] = [$"'{jurisdiction}' is not an ISO 3166-1 alpha-2 country code."];
        }

        if (request.Limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"Must be between 1 and {MaxPageSize}."];
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var take = request.Limit ?? 100;
        var matches = catalog.Sites
            .Where(s => request.Tier is null || s.Tier == request.Tier)
            .Where(s => request.Region is null || string.Equals(s.Region, request.Region, StringComparison.OrdinalIgnoreCase))
            .Where(s => request.Jurisdiction is null || string.Equals(s.Jurisdiction, request.Jurisdiction, StringComparison.OrdinalIgnoreCase))
            .Where(s => request.After is null || string.CompareOrdinal(s.Id, request.After) > 0)
            .OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(Describe)
            .Where(s => request.Status is null || s.Status == request.Status)
            .Take(take + 1)
            .ToList();
        var items = matches.Take(take).ToList();
        return Result<SitePage>.Ok(new SitePage(items, matches.Count > take ? items[^1].Site.Id : null));
    }

    /// <summary>Every site, in catalog order (the portal's map and dashboard).</summary>
    public Result<IReadOnlyList<SiteState>> All(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.HasAny(Permission.SitesRead)
            ? Result<IReadOnlyList<SiteState>>.Ok([.. catalog.Sites.Select(Describe)])
            : AccessErrors.Forbidden(Permission.SitesRead);
    }

    /// <summary>One site.</summary>
    public Result<SiteState> Get(Caller caller, string siteId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.HasAny(Permission.SitesRead))
        {
            return AccessErrors.Forbidden(Permission.SitesRead);
        }

        return catalog.Find(siteId) is { } site
            ? Result<SiteState>.Ok(Describe(site))
            : Error.NotFound("id", $"There is no site with id '{siteId}' in the catalog.");
    }

    // Driven by the control plane (a configured cluster) or by the site's own agent, which reports.
    private SiteState Describe(Site site)
    {
        var observed = health.Observe(site.Id);
        return new SiteState(site, observed, provisionable.Contains(site.Id) || observed?.Source == ObservationSource.Agent)
        {
            Failover = failovers?.FailoverOf(site.Id),
            Uplink = site.UplinkSiteId is { } uplink && failovers?.FailoverOf(uplink) is { } moved ? moved.ToSiteId : site.UplinkSiteId,
        };
    }
}
