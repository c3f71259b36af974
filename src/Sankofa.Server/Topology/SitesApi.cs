using Microsoft.AspNetCore.Http.HttpResults;
using Sankofa.Core;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Topology;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Access;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.Topology;

/// <summary>The fleet's sites with their capacity and live health.</summary>
internal static class SitesApi
{
    public static IEndpointRouteBuilder MapSitesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/sites").WithTags("Sites").Requires(Permission.SitesRead);
        api.MapGet("/", List).WithName("ListSites")
            .WithSummary("Sites ordered by id, filtered by tier, region, jurisdiction or status, paged with the 'after' cursor.");
        api.MapGet("/{id}", Get).WithName("GetSite")
            .WithSummary("One site with its hosts, links, capacity and what its hypervisor last reported.");
        return app;
    }

    private static Results<Ok<SitePageResponse>, ProblemHttpResult> List(
        HttpContext context, SiteQueries sites,
        string? tier = null, string? region = null, string? jurisdiction = null, string? status = null, string? after = null, int? limit = null)
    {
        var errors = new Dictionary<string, string[]>();
        var tierFilter = ParseEnum<SiteTier>(tier, "tier", errors);
        var statusFilter = ParseEnum<SiteStatus>(status, "status", errors);
        if (errors.Count > 0)
        {
            return ErrorProblems.Invalid(errors);
        }

        var page = sites.List(context.RequiredCaller(), new SiteListRequest(tierFilter, region, jurisdiction, statusFilter, after, limit));
        return page.Error is { } error ? error.ToProblem() : TypedResults.Ok(SitePageResponse.From(page.Value!, withHosts: false));
    }

    private static Results<Ok<SiteResponse>, ProblemHttpResult> Get(string id, HttpContext context, SiteQueries sites)
    {
        var site = sites.Get(context.RequiredCaller(), id);
        return site.Error is { } error ? error.ToProblem() : TypedResults.Ok(SiteResponse.From(site.Value!, withHosts: true));
    }

    private static TEnum? ParseEnum<TEnum>(string? value, string field, Dictionary<string, string[]> errors)
        where TEnum : struct, Enum
    {
        if (value is null)
        {
            return null;
        }

        if (Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _))
        {
            return parsed;
        }

        errors[field] = [$"'{value}' is not one of: {string.Join(", ", Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()))}."];
        return null;
    }
}

/// <summary>A page of sites.</summary>
/// <param name="Items">Sites ordered by id.</param>
/// <param name="Next">Cursor for the next page ('after'), or null on the last page.</param>
public sealed record SitePageResponse(IReadOnlyList<SiteResponse> Items, string? Next)
{
    internal static SitePageResponse From(SitePage page, bool withHosts) => new([.. page.Items.Select(s => SiteResponse.From(s, withHosts))], page.Next);
}

/// <summary>A site as the API shows it.</summary>
/// <param name="Id">Site id.</param>
/// <param name="Name">Display name (the city).</param>
/// <param name="Tier">core, regional or edge.</param>
/// <param name="Region">Broad region.</param>
/// <param name="Jurisdiction">ISO 3166-1 alpha-2 country code.</param>
/// <param name="Latitude">Latitude in degrees.</param>
/// <param name="Longitude">Longitude in degrees.</param>
/// <param name="Status">Observed health when the site's hypervisor is probed or its agent reports, else the catalog's.</param>
/// <param name="StatusSource">"failover" (down by a failover decided on chain), "probe" (the control plane probes it), "agent" (its agent reports it) or "catalog".</param>
/// <param name="Provisionable">Whether Sankofa has a hypervisor to drive there (<c>Proxmox:Clusters</c>); placement treats a site without one as down.</param>
/// <param name="CheckedAt">When the last probe finished, or when the agent took its last report (or fell silent).</param>
/// <param name="ProbeError">Why the last probe failed or the site is down by its agent's report, e.g. since when the agent has been silent.</param>
/// <param name="Uplink">Regional (for an edge) or core (for a regional) site this one hangs off: the site that took its uplink's role when that one is failed over.</param>
/// <param name="Adjacent">Nearby sites of the same tier, nearest first (failover targets).</param>
/// <param name="Capacity">Total vCPU, RAM and disk of the site's hosts.</param>
/// <param name="HostCount">Number of hosts.</param>
/// <param name="Hosts">Hosts with capacity and live state (one site only).</param>
/// <param name="Failover">The failover decided on chain that took the site out of placement (the site that took its role, the transaction and block), when one is in force.</param>
public sealed record SiteResponse(
    string Id, string Name, SiteTier Tier, string Region, string Jurisdiction, double Latitude, double Longitude,
    SiteStatus Status, string StatusSource, bool Provisionable, DateTimeOffset? CheckedAt, string? ProbeError,
    string? Uplink, IReadOnlyList<string> Adjacent, ComputeResources Capacity, int HostCount, IReadOnlyList<SiteHostResponse>? Hosts,
    SiteFailover? Failover = null)
{
    internal static SiteResponse From(SiteState state, bool withHosts)
    {
        var (site, observed, provisionable) = state;
        var capacity = site.Hosts.Aggregate(new ComputeResources(0, 0, 0), (sum, h) => sum + h.Capacity);
        var hosts = withHosts
            ? site.Hosts.Select(h =>
            {
                var live = observed?.Hosts.FirstOrDefault(o => o.HostId == h.Id);
                var status = observed is null ? h.Status : live is { Online: true } ? SiteStatus.Up : SiteStatus.Down;
                return new SiteHostResponse(h.Id, h.Capacity, status, live?.Cores, live?.MemoryBytes, live?.MemoryUsedBytes);
            }).ToList()
            : null;
        return new SiteResponse(
            site.Id, site.Name, site.Tier, site.Region, site.Jurisdiction, site.Location.Latitude, site.Location.Longitude,
            state.Status, state.Failover is not null ? "failover" : observed is null ? "catalog" : observed.Source == ObservationSource.Agent ? "agent" : "probe",
            provisionable, observed?.CheckedAt, observed?.Error, state.Uplink, site.AdjacentSiteIds, capacity, site.Hosts.Count, hosts, state.Failover);
    }
}

/// <summary>A host of a site.</summary>
/// <param name="Id">Host id (the hypervisor node name).</param>
/// <param name="Capacity">Schedulable vCPU, RAM and disk.</param>
/// <param name="Status">Observed when probed, else the catalog's.</param>
/// <param name="Cores">Cores the hypervisor reports.</param>
/// <param name="MemoryBytes">Memory the hypervisor reports.</param>
/// <param name="MemoryUsedBytes">Memory in use, as the hypervisor reports it.</param>
public sealed record SiteHostResponse(string Id, ComputeResources Capacity, SiteStatus Status, int? Cores, long? MemoryBytes, long? MemoryUsedBytes);
