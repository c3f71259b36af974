using Sankofa.Core.Topology;

namespace Sankofa.TestSupport.Topology;

/// <summary>
/// Catalogs of any size made like the default one, for placement at scale: site i copies default site i mod 325 (its
/// tier, country, region and hosts), the first copy where it is, later copies moved up to <c>radiusKm</c> away in a
/// seeded random direction; uplinks and adjacency are recomputed nearest first, as the default catalog's generator does.
/// </summary>
public static class ScaledCatalog
{
    /// <summary>A catalog of <paramref name="sites"/> sites (325 gives the default catalog itself); the same seed gives the same catalog.</summary>
    public static SiteCatalog Create(int sites, int seed = 19, double radiusKm = 250)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sites);
        var source = SiteCatalog.Default.Sites;
        if (sites == source.Count)
        {
            return SiteCatalog.Default;
        }

        var random = new Random(seed);
        var placed = new (Site Source, string Id, string Name, GeoPoint Location)[sites];
        for (var i = 0; i < sites; i++)
        {
            var origin = source[i % source.Count];
            var copy = i / source.Count;
            placed[i] = copy == 0
                ? (origin, origin.Id, origin.Name, origin.Location)
                : (origin, $"{origin.Id}-{copy:D3}", $"{origin.Name} {copy + 1}", Move(origin.Location, random.NextDouble() * 2 * Math.PI, Math.Sqrt(random.NextDouble()) * radiusKm));
        }

        var vectors = placed.Select(p => Unit(p.Location)).ToArray();
        var byTier = Enum.GetValues<SiteTier>().ToDictionary(t => t, t => Enumerable.Range(0, sites).Where(i => placed[i].Source.Tier == t).ToArray());
        return SiteCatalog.Create(Enumerable.Range(0, sites).Select(i =>
        {
            var (origin, id, name, location) = placed[i];
            string? uplink = origin.Tier switch
            {
                SiteTier.Edge => Nearest(i, byTier[SiteTier.Regional], 1).Select(j => placed[j].Id).FirstOrDefault(),
                SiteTier.Regional => Nearest(i, byTier[SiteTier.Core], 1).Select(j => placed[j].Id).FirstOrDefault(),
                _ => null,
            };
            var adjacent = Nearest(i, byTier[origin.Tier], origin.Tier == SiteTier.Core ? 2 : 3).Select(j => placed[j].Id).ToArray();
            var hosts = origin.Hosts.Select(h => h with { Id = id + h.Id[origin.Id.Length..] }).ToArray();
            return origin with { Id = id, Name = name, Location = location, UplinkSiteId = uplink, AdjacentSiteIds = adjacent, Hosts = hosts };
        }));

        // The k nearest of `candidates` to site i (not i itself), nearest first.
        IEnumerable<int> Nearest(int i, int[] candidates, int k)
        {
            var best = new List<(double Dot, int Site)>(k + 1);
            var (x, y, z) = vectors[i];
            foreach (var j in candidates)
            {
                if (j == i)
                {
                    continue;
                }

                var dot = (x * vectors[j].X) + (y * vectors[j].Y) + (z * vectors[j].Z);
                if (best.Count == k && dot <= best[^1].Dot)
                {
                    continue;
                }

                var at = best.FindIndex(b => b.Dot < dot);
                best.Insert(at < 0 ? best.Count : at, (dot, j));
                if (best.Count > k)
                {
                    best.RemoveAt(k);
                }
            }

            return best.Select(b => b.Site);
        }
    }

    // The point `km` away from `start` along the initial bearing `bearing` (radians) on the sphere.
    private static GeoPoint Move(GeoPoint start, double bearing, double km)
    {
        const double rad = Math.PI / 180;
        var angle = km / GeoPoint.EarthRadiusKm;
        var lat1 = start.Latitude * rad;
        var lon1 = start.Longitude * rad;
        var lat2 = Math.Asin((Math.Sin(lat1) * Math.Cos(angle)) + (Math.Cos(lat1) * Math.Sin(angle) * Math.Cos(bearing)));
        var lon2 = lon1 + Math.Atan2(Math.Sin(bearing) * Math.Sin(angle) * Math.Cos(lat1), Math.Cos(angle) - (Math.Sin(lat1) * Math.Sin(lat2)));
        var longitude = ((lon2 / rad) + 540) % 360 - 180;
        return new GeoPoint(Math.Round(Math.Clamp(lat2 / rad, -90, 90), 4), Math.Round(Math.Clamp(longitude, -180, 180), 4));
    }

    private static (double X, double Y, double Z) Unit(GeoPoint p)
    {
        const double rad = Math.PI / 180;
        var (lat, lon) = (p.Latitude * rad, p.Longitude * rad);
        return (Math.Cos(lat) * Math.Cos(lon), Math.Cos(lat) * Math.Sin(lon), Math.Sin(lat));
    }
}
