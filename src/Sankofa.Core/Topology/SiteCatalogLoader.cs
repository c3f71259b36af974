using System.Text.Json;

namespace Sankofa.Core.Topology;

/// <summary>Reads a site catalog from its JSON file format (see docs/topology.md) and validates it.</summary>
public static class SiteCatalogLoader
{
    /// <summary>Manifest name of the default catalog embedded in this assembly.</summary>
    public const string DefaultResourceName = "Sankofa.Core.Topology.catalog.sites.json";

    private static readonly HashSet<string> SiteFields =
        ["id", "name", "tier", "region", "jurisdiction", "latitude", "longitude", "status", "uplink", "adjacent", "hosts"];

    private static readonly HashSet<string> HostFields = ["id", "vcpu", "ramMiB", "diskGiB", "status"];

    /// <summary>Loads the default 325-site catalog shipped in this assembly and checks its tier counts against the seed's.</summary>
    public static SiteCatalog LoadDefault()
    {
        using var stream = typeof(SiteCatalogLoader).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {DefaultResourceName} is missing from the build.");
        var catalog = Load(stream);
        var counts = SiteCatalogValidator.CheckTierCounts(catalog, SiteCatalogValidator.SeedCounts);
        return counts.Count > 0 ? throw new CatalogValidationException(counts) : catalog;
    }

    /// <summary>Reads and validates a catalog from a UTF-8 JSON stream.</summary>
    /// <exception cref="CatalogValidationException">The JSON is malformed or a site breaks a rule; names the site and field.</exception>
    public static SiteCatalog Load(Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        try
        {
            using var document = JsonDocument.Parse(utf8Json);
            return FromDocument(document);
        }
        catch (JsonException e)
        {
            throw new CatalogValidationException($"The catalog is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Reads and validates a catalog from JSON text.</summary>
    /// <exception cref="CatalogValidationException">The JSON is malformed or a site breaks a rule; names the site and field.</exception>
    public static SiteCatalog Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return FromDocument(document);
        }
        catch (JsonException e)
        {
            throw new CatalogValidationException($"The catalog is not valid JSON: {e.Message}", e);
        }
    }

    private static SiteCatalog FromDocument(JsonDocument document)
    {
        var errors = new List<CatalogError>();
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("sites", out var sitesElement) || sitesElement.ValueKind != JsonValueKind.Array)
        {
            throw new CatalogValidationException([new CatalogError(null, "sites", "The catalog must be an object with a 'sites' array.")]);
        }

        var sites = new List<Site>();
        var index = 0;
        foreach (var element in sitesElement.EnumerateArray())
        {
            var site = ReadSite(element, index++, errors);
            if (site is not null)
            {
                sites.Add(site);
            }
        }

        // Field-level parse errors first; rule checks only make sense on what could be read.
        if (errors.Count > 0)
        {
            throw new CatalogValidationException(errors);
        }

        return SiteCatalog.Create(sites);
    }

    private static Site? ReadSite(JsonElement element, int index, List<CatalogError> errors)
    {
        var label = $"sites[{index}]";
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new CatalogError(label, "site", "Each site must be a JSON object."));
            return null;
        }

        var reader = new FieldReader(element, errors);
        var id = reader.String("id", label, required: false);
        var site = string.IsNullOrWhiteSpace(id) ? label : id;
        reader.Unknown(SiteFields, site, "");
        var tier = reader.Enum("tier", site, ParseTier, "core, regional or edge");
        var status = reader.Has("status") ? reader.Enum("status", site, ParseStatus, "up, degraded or down") : SiteStatus.Up;
        var adjacent = new List<string>();
        if (reader.Has("adjacent"))
        {
            var array = element.GetProperty("adjacent");
            if (array.ValueKind != JsonValueKind.Array || array.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
            {
                errors.Add(new CatalogError(site, "adjacent", "Must be an array of site ids."));
            }
            else
            {
                adjacent.AddRange(array.EnumerateArray().Select(a => a.GetString()!));
            }
        }

        var hosts = new List<SiteHost>();
        if (!element.TryGetProperty("hosts", out var hostsElement) || hostsElement.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new CatalogError(site, "hosts", "Required: an array of hosts."));
        }
        else
        {
            var h = 0;
            foreach (var hostElement in hostsElement.EnumerateArray())
            {
                var field = $"hosts[{h++}]";
                if (hostElement.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new CatalogError(site, field, "Each host must be a JSON object."));
                    continue;
                }

                var host = new FieldReader(hostElement, errors);
                host.Unknown(HostFields, site, field + ".");
                hosts.Add(new SiteHost(
                    host.String("id", site, prefix: field + ".") ?? "",
                    new ComputeResources((int)host.Integer("vcpu", site, field + ".", int.MaxValue), host.Integer("ramMiB", site, field + ".", long.MaxValue), host.Integer("diskGiB", site, field + ".", long.MaxValue)),
                    host.Has("status") ? host.Enum("status", site, ParseStatus, "up, degraded or down", field + ".") : SiteStatus.Up));
            }
        }

        return new Site(
            id ?? "",
            reader.String("name", site) ?? "",
            tier,
            reader.String("region", site) ?? "",
            reader.String("jurisdiction", site) ?? "",
            new GeoPoint(reader.Number("latitude", site), reader.Number("longitude", site)),
            status,
            reader.Has("uplink") && element.GetProperty("uplink").ValueKind != JsonValueKind.Null ? reader.String("uplink", site) : null,
            adjacent,
            hosts);
    }

    internal static SiteTier? ParseTier(string text) => text switch
    {
        "core" => SiteTier.Core,
        "regional" => SiteTier.Regional,
        "edge" => SiteTier.Edge,
        _ => null,
    };

    internal static SiteStatus? ParseStatus(string text) => text switch
    {
        "up" => SiteStatus.Up,
        "degraded" => SiteStatus.Degraded,
        "down" => SiteStatus.Down,
        _ => null,
    };

    /// <summary>Reads typed fields of one JSON object, recording a named error for each missing or mistyped one.</summary>
    private readonly struct FieldReader(JsonElement element, List<CatalogError> errors)
    {
        public bool Has(string name) => element.TryGetProperty(name, out _);

        public void Unknown(HashSet<string> known, string site, string prefix)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (!known.Contains(property.Name))
                {
                    errors.Add(new CatalogError(site, prefix + property.Name, "Unknown field."));
                }
            }
        }

        public string? String(string name, string site, bool required = true, string prefix = "")
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }

            if (required || (value.ValueKind is not JsonValueKind.Undefined and not JsonValueKind.Null))
            {
                errors.Add(new CatalogError(site, prefix + name, "Required: a string."));
            }

            return null;
        }

        public double Number(string name, string site)
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number)
            {
                return value.GetDouble();
            }

            errors.Add(new CatalogError(site, name, "Required: a number."));
            return double.NaN;
        }

        public long Integer(string name, string site, string prefix, long max)
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n <= max)
            {
                return n;
            }

            errors.Add(new CatalogError(site, prefix + name, $"Required: a whole number no larger than {max}."));
            return 0;
        }

        public T Enum<T>(string name, string site, Func<string, T?> parse, string allowed, string prefix = "")
            where T : struct
        {
            var text = String(name, site, prefix: prefix);
            if (text is null)
            {
                return default;
            }

            if (parse(text) is { } parsed)
            {
                return parsed;
            }

            errors.Add(new CatalogError(site, prefix + name, $"Unknown {name} '{text}'; use {allowed}."));
            return default;
        }
    }
}
