namespace Sankofa.Core.Topology;

/// <summary>The rules a site catalog must follow; each broken rule names the site and field.</summary>
public static class SiteCatalogValidator
{
    /// <summary>Site counts per tier in the seed architecture: 13 core, 62 regional, 250 edge.</summary>
    public static readonly IReadOnlyDictionary<SiteTier, int> SeedCounts = new Dictionary<SiteTier, int>
    {
        [SiteTier.Core] = 13,
        [SiteTier.Regional] = 62,
        [SiteTier.Edge] = 250,
    };

    /// <summary>Checks every site and every link; returns the problems in catalog order (empty when valid).</summary>
    public static IReadOnlyList<CatalogError> Validate(IReadOnlyList<Site> sites)
    {
        ArgumentNullException.ThrowIfNull(sites);
        var errors = new List<CatalogError>();
        if (sites.Count == 0)
        {
            errors.Add(new CatalogError(null, "sites", "A catalog needs at least one site."));
            return errors;
        }

        var byId = new Dictionary<string, Site>(StringComparer.Ordinal);
        var hostIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sites.Count; i++)
        {
            var site = sites[i];
            var name = string.IsNullOrWhiteSpace(site.Id) ? $"sites[{i}]" : site.Id;
            if (string.IsNullOrWhiteSpace(site.Id))
            {
                errors.Add(new CatalogError(name, "id", "Required."));
            }
            else if (!byId.TryAdd(site.Id, site))
            {
                errors.Add(new CatalogError(name, "id", $"Duplicate site id (also sites[{IndexOf(sites, site.Id)}])."));
            }

            CheckSite(site, name, hostIds, errors);
        }

        foreach (var site in byId.Values)
        {
            CheckLinks(site, byId, errors);
        }

        return errors;
    }

    /// <summary>Checks that the catalog has exactly <paramref name="expected"/> sites per tier (the default catalog must match <see cref="SeedCounts"/>).</summary>
    public static IReadOnlyList<CatalogError> CheckTierCounts(SiteCatalog catalog, IReadOnlyDictionary<SiteTier, int> expected)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(expected);
        return [.. expected.Where(e => catalog.Count(e.Key) != e.Value)
            .Select(e => new CatalogError(null, "sites", $"Expected {e.Value} {Tier(e.Key)} sites, found {catalog.Count(e.Key)}."))];
    }

    private static void CheckSite(Site site, string id, HashSet<string> hostIds, List<CatalogError> errors)
    {
        if (string.IsNullOrWhiteSpace(site.Name))
        {
            errors.Add(new CatalogError(id, "name", "Required."));
        }

        if (!Enum.IsDefined(site.Tier))
        {
            errors.Add(new CatalogError(id, "tier", $"Unknown tier '{site.Tier}'; use core, regional or edge."));
        }

        if (string.IsNullOrWhiteSpace(site.Region))
        {
            errors.Add(new CatalogError(id, "region", "Required."));
        }

        if (!CountryCodes.IsAssigned(site.Jurisdiction))
        {
            errors.Add(new CatalogError(id, "jurisdiction", $"'{site.Jurisdiction}' is not an assigned ISO 3166-1 alpha-2 country code."));
        }

        if (!double.IsFinite(site.Location.Latitude) || site.Location.Latitude is < -90 or > 90)
        {
            errors.Add(new CatalogError(id, "latitude", $"{site.Location.Latitude} is outside −90..90."));
        }

        if (!double.IsFinite(site.Location.Longitude) || site.Location.Longitude is < -180 or > 180)
        {
            errors.Add(new CatalogError(id, "longitude", $"{site.Location.Longitude} is outside −180..180."));
        }

        if (!Enum.IsDefined(site.Status))
        {
            errors.Add(new CatalogError(id, "status", $"Unknown status '{site.Status}'; use up, degraded or down."));
        }

        if (site.Hosts is null || site.Hosts.Count == 0)
        {
            errors.Add(new CatalogError(id, "hosts", "A site needs at least one host."));
            return;
        }

        for (var h = 0; h < site.Hosts.Count; h++)
        {
            var host = site.Hosts[h];
            var field = $"hosts[{h}]";
            if (string.IsNullOrWhiteSpace(host.Id))
            {
                errors.Add(new CatalogError(id, field + ".id", "Required."));
            }
            else if (!hostIds.Add(host.Id))
            {
                errors.Add(new CatalogError(id, field + ".id", $"Duplicate host id '{host.Id}'."));
            }

            if (host.Capacity.VCpu <= 0)
            {
                errors.Add(new CatalogError(id, field + ".vcpu", $"Capacity must be greater than 0 (was {host.Capacity.VCpu})."));
            }

            if (host.Capacity.RamMiB <= 0)
            {
                errors.Add(new CatalogError(id, field + ".ramMiB", $"Capacity must be greater than 0 (was {host.Capacity.RamMiB})."));
            }

            if (host.Capacity.DiskGiB <= 0)
            {
                errors.Add(new CatalogError(id, field + ".diskGiB", $"Capacity must be greater than 0 (was {host.Capacity.DiskGiB})."));
            }

            if (!Enum.IsDefined(host.Status))
            {
                errors.Add(new CatalogError(id, field + ".status", $"Unknown status '{host.Status}'; use up, degraded or down."));
            }
        }
    }

    private static void CheckLinks(Site site, Dictionary<string, Site> byId, List<CatalogError> errors)
    {
        // An edge hangs off a regional, a regional syncs with a core; a core has no uplink.
        SiteTier? uplinkTier = site.Tier switch
        {
            SiteTier.Edge => SiteTier.Regional,
            SiteTier.Regional => SiteTier.Core,
            _ => null,
        };
        if (uplinkTier is null)
        {
            if (site.UplinkSiteId is not null)
            {
                errors.Add(new CatalogError(site.Id, "uplink", "A core site has no uplink; leave it null."));
            }
        }
        else if (string.IsNullOrWhiteSpace(site.UplinkSiteId))
        {
            errors.Add(new CatalogError(site.Id, "uplink", $"{(site.Tier == SiteTier.Edge ? "An" : "A")} {Tier(site.Tier)} site must be linked to a {Tier(uplinkTier.Value)} site."));
        }
        else if (!byId.TryGetValue(site.UplinkSiteId, out var uplink))
        {
            errors.Add(new CatalogError(site.Id, "uplink", $"Links to '{site.UplinkSiteId}', which is not in the catalog."));
        }
        else if (uplink.Tier != uplinkTier)
        {
            errors.Add(new CatalogError(site.Id, "uplink", $"Links to {uplink.Id}, a {Tier(uplink.Tier)} site; a {Tier(site.Tier)} site must be linked to a {Tier(uplinkTier.Value)} site."));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var adjacentId in site.AdjacentSiteIds ?? [])
        {
            if (adjacentId == site.Id)
            {
                errors.Add(new CatalogError(site.Id, "adjacent", "A site cannot be adjacent to itself."));
            }
            else if (!seen.Add(adjacentId))
            {
                errors.Add(new CatalogError(site.Id, "adjacent", $"'{adjacentId}' is listed twice."));
            }
            else if (!byId.TryGetValue(adjacentId, out var adjacent))
            {
                errors.Add(new CatalogError(site.Id, "adjacent", $"'{adjacentId}' is not in the catalog."));
            }
            else if (adjacent.Tier != site.Tier)
            {
                errors.Add(new CatalogError(site.Id, "adjacent", $"{adjacentId} is a {Tier(adjacent.Tier)} site; adjacent sites share the tier ({Tier(site.Tier)})."));
            }
        }
    }

    private static int IndexOf(IReadOnlyList<Site> sites, string id)
    {
        for (var i = 0; i < sites.Count; i++)
        {
            if (sites[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    internal static string Tier(SiteTier tier) => tier switch
    {
        SiteTier.Core => "core",
        SiteTier.Regional => "regional",
        SiteTier.Edge => "edge",
        _ => tier.ToString(),
    };
}
