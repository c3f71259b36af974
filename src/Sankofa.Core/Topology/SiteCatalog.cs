using System.Collections.Frozen;

namespace Sankofa.Core.Topology;

/// <summary>A validated, immutable set of sites: every link resolves, every field is in range.</summary>
/// <remarks>Build one with <see cref="Create"/> or <see cref="SiteCatalogLoader"/>; both reject a malformed catalog.</remarks>
public sealed class SiteCatalog
{
    private static readonly Lazy<SiteCatalog> DefaultCatalog = new(SiteCatalogLoader.LoadDefault);

    private readonly FrozenDictionary<string, int> _index;
    private readonly Site[][] _byTier;

    private SiteCatalog(IReadOnlyList<Site> sites)
    {
        Sites = sites;
        _index = sites.Select((s, i) => KeyValuePair.Create(s.Id, i)).ToFrozenDictionary(StringComparer.Ordinal);
        _byTier = [.. Enum.GetValues<SiteTier>().Select(t => sites.Where(s => s.Tier == t).ToArray())];
    }

    /// <summary>The default 325-site catalog shipped with Sankofa (13 core, 62 regional, 250 edge), loaded once.</summary>
    public static SiteCatalog Default => DefaultCatalog.Value;

    /// <summary>Every site, in catalog order.</summary>
    public IReadOnlyList<Site> Sites { get; }

    /// <summary>Validates <paramref name="sites"/> and builds a catalog.</summary>
    /// <exception cref="CatalogValidationException">Naming each site and field at fault.</exception>
    public static SiteCatalog Create(IEnumerable<Site> sites)
    {
        ArgumentNullException.ThrowIfNull(sites);
        var list = sites.ToArray();
        var errors = SiteCatalogValidator.Validate(list);
        return errors.Count > 0 ? throw new CatalogValidationException(errors) : new SiteCatalog(list);
    }

    /// <summary>The site with <paramref name="id"/>, or <c>null</c>.</summary>
    public Site? Find(string id) => _index.TryGetValue(id, out var i) ? Sites[i] : null;

    /// <summary>The site with <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such site.</exception>
    public Site Get(string id) => Find(id) ?? throw new KeyNotFoundException($"No site '{id}' in the catalog.");

    /// <summary>Position of the site in <see cref="Sites"/>, or −1.</summary>
    public int IndexOf(string id) => _index.TryGetValue(id, out var i) ? i : -1;

    /// <summary>The sites of one tier, in catalog order.</summary>
    public IReadOnlyList<Site> OfTier(SiteTier tier) => _byTier[(int)tier];

    /// <summary>How many sites the tier has.</summary>
    public int Count(SiteTier tier) => _byTier[(int)tier].Length;

    /// <summary>The edge sites hanging off a regional site, or the regional sites syncing with a core site.</summary>
    public IReadOnlyList<Site> Downlinks(string siteId) => [.. Sites.Where(s => s.UplinkSiteId == siteId)];
}
