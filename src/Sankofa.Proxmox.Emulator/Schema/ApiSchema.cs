using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Sankofa.Proxmox.Emulator.Schema;

/// <summary>
/// Proxmox VE's API schema (the <c>apidata.js</c> shape: nodes with <c>path</c>, <c>info</c> per method, <c>children</c>)
/// and the checks Proxmox's JSONSchema code applies to a request: path template, method, unknown and missing
/// parameters, types, enums, ranges, patterns and the formats Sankofa uses. The emulator validates every request
/// with it (from the embedded subset) and the tests validate every request the client sends (from the official file).
/// </summary>
internal sealed class ApiSchema
{
    private readonly List<ApiEndpoint> _endpoints = [];

    private ApiSchema() { }

    public IReadOnlyList<ApiEndpoint> Endpoints => _endpoints;

    public static ApiSchema Load(Stream json)
    {
        var root = JsonNode.Parse(json) as JsonArray ?? throw new InvalidDataException("The API schema must be a JSON array of nodes.");
        var schema = new ApiSchema();
        schema.Walk(root);
        return schema;
    }

    /// <summary>The embedded subset the emulator serves.</summary>
    public static ApiSchema LoadEmbedded()
    {
        using var stream = OpenEmbeddedSubset();
        return Load(stream);
    }

    public static Stream OpenEmbeddedSubset() =>
        typeof(ApiSchema).Assembly.GetManifestResourceStream("Sankofa.Proxmox.Emulator.proxmox-api-subset.json")
        ?? throw new InvalidOperationException("The embedded Proxmox API subset is missing from the assembly.");

    private void Walk(JsonArray nodes)
    {
        foreach (var node in nodes.OfType<JsonObject>())
        {
            var path = (string?)node["path"];
            if (path is not null && node["info"] is JsonObject info)
            {
                var methods = new Dictionary<string, ApiMethod>(StringComparer.Ordinal);
                foreach (var (method, definition) in info)
                {
                    methods[method] = new ApiMethod(method, definition?["parameters"] as JsonObject);
                }

                _endpoints.Add(new ApiEndpoint(path, methods));
            }

            if (node["children"] is JsonArray children)
            {
                Walk(children);
            }
        }
    }

    /// <summary>Finds the endpoint whose template matches <paramref name="path"/> (relative to <c>/api2/json</c>), preferring literal segments over parameters.</summary>
    public ApiEndpoint? Match(string path, out Dictionary<string, string> pathParameters)
    {
        var segments = path.Trim('/').Split('/');
        ApiEndpoint? best = null;
        var bestLiterals = -1;
        pathParameters = [];
        foreach (var endpoint in _endpoints)
        {
            if (endpoint.Segments.Length != segments.Length)
            {
                continue;
            }

            var literals = 0;
            var matched = true;
            for (var i = 0; i < segments.Length && matched; i++)
            {
                var template = endpoint.Segments[i];
                if (template.StartsWith('{'))
                {
                    matched = segments[i].Length > 0;
                }
                else if (string.Equals(template, segments[i], StringComparison.Ordinal))
                {
                    literals++;
                }
                else
                {
                    matched = false;
                }
            }

            if (matched && literals > bestLiterals)
            {
                best = endpoint;
                bestLiterals = literals;
            }
        }

        if (best is not null)
        {
            for (var i = 0; i < segments.Length; i++)
            {
                if (best.Segments[i].StartsWith('{'))
                {
                    pathParameters[best.Segments[i].Trim('{', '}')] = segments[i];
                }
            }
        }

        return best;
    }
}

/// <summary>One API path with its methods.</summary>
internal sealed class ApiEndpoint(string path, IReadOnlyDictionary<string, ApiMethod> methods)
{
    public string Path { get; } = path;

    public string[] Segments { get; } = path.Trim('/').Split('/');

    public IReadOnlyDictionary<string, ApiMethod> Methods { get; } = methods;
}

/// <summary>One method of a path and its parameter schema.</summary>
internal sealed partial class ApiMethod
{
    private readonly JsonObject _properties;
    private readonly bool _additionalProperties;

    public ApiMethod(string method, JsonObject? parameters)
    {
        Method = method;
        _properties = parameters?["properties"] as JsonObject ?? [];
        _additionalProperties = parameters?["additionalProperties"] is JsonValue v && IsTrue(v);
    }

    public string Method { get; }

    public IEnumerable<string> ParameterNames => _properties.Select(p => p.Key);

    /// <summary>The schema of a parameter, resolving indexed names such as <c>ipconfig0</c> to <c>ipconfig[n]</c>.</summary>
    public JsonObject? Property(string name)
    {
        if (_properties[name] is JsonObject exact)
        {
            return exact;
        }

        var match = IndexedName().Match(name);
        return match.Success ? _properties[match.Groups[1].Value + "[n]"] as JsonObject : null;
    }

    /// <summary>Checks parameters the way Proxmox does; the result maps parameter names to Proxmox's messages (empty: valid).</summary>
    public Dictionary<string, string> Validate(IReadOnlyDictionary<string, string> parameters)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters)
        {
            var property = Property(name);
            if (property is null)
            {
                if (!_additionalProperties)
                {
                    errors[name] = "property is not defined in schema and the schema does not allow additional properties";
                }

                continue;
            }

            var error = CheckValue(property, value);
            if (error is not null)
            {
                errors[name] = error;
            }
            else if ((string?)property["requires"] is { } requires && !parameters.ContainsKey(requires))
            {
                errors[requires] = $"property is missing and it is not optional (required by '{name}')";
            }
        }

        foreach (var (name, node) in _properties)
        {
            if (node is JsonObject property && !IsOptional(property) && !name.EndsWith("[n]", StringComparison.Ordinal) && !parameters.ContainsKey(name))
            {
                errors[name] = "property is missing and it is not optional";
            }
        }

        return errors;
    }

    internal static string? CheckValue(JsonObject property, string value)
    {
        var type = (string?)property["type"] ?? "string";
        switch (type)
        {
            case "integer":
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    return $"type check ('integer') failed - got '{value}'";
                }

                return CheckRange(property, integer);
            case "number":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return $"type check ('number') failed - got '{value}'";
                }

                return CheckRange(property, number);
            case "boolean":
                return ParseBoolean(value) is null ? $"type check ('boolean') failed - got '{value}'" : null;
            case "string":
                return CheckString(property, value);
            default:
                return null;
        }
    }

    private static string? CheckRange(JsonObject property, double value)
    {
        if (Number(property["minimum"]) is { } minimum && value < minimum)
        {
            return $"value must have a minimum value of {minimum.ToString(CultureInfo.InvariantCulture)}";
        }

        if (Number(property["maximum"]) is { } maximum && value > maximum)
        {
            return $"value must have a maximum value of {maximum.ToString(CultureInfo.InvariantCulture)}";
        }

        return CheckFormat(property, value.ToString(CultureInfo.InvariantCulture));
    }

    private static string? CheckString(JsonObject property, string value)
    {
        if (Number(property["maxLength"]) is { } maxLength && value.Length > maxLength)
        {
            return $"value may only be {maxLength.ToString(CultureInfo.InvariantCulture)} characters long";
        }

        if (Number(property["minLength"]) is { } minLength && value.Length < minLength)
        {
            return $"value must be at least {minLength.ToString(CultureInfo.InvariantCulture)} characters long";
        }

        if (property["enum"] is JsonArray values && !values.Any(v => (string?)v == value))
        {
            return $"value '{value}' does not have a value in the enumeration '{string.Join(", ", values.Select(v => (string?)v))}'";
        }

        if ((string?)property["pattern"] is { } pattern && !Regex.IsMatch(value, "^(?:" + pattern + ")$", RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            return "value does not match the regex pattern";
        }

        return CheckFormat(property, value);
    }

    private static string? CheckFormat(JsonObject property, string value)
    {
        return property["format"] switch
        {
            JsonObject propertyString => CheckPropertyString(propertyString, value),
            JsonValue format when (string?)format is { } name => Formats.Check(name, value),
            _ => null,
        };
    }

    // A property string is "key=value,key=value", where the default key's name may be left out.
    private static string? CheckPropertyString(JsonObject format, string value)
    {
        var defaultKey = format.FirstOrDefault(p => p.Value is JsonObject o && IsTrue(o["default_key"])).Key;
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? defaultKey : part[..equals];
            var item = equals < 0 ? part : part[(equals + 1)..];
            if (key is null)
            {
                return $"invalid format - value without key, but schema does not define a default key: '{part}'";
            }

            if (format[key] is not JsonObject schema)
            {
                return $"invalid format - property '{key}' is not defined in the format";
            }

            if (CheckValue(schema, item) is { } error)
            {
                return $"invalid format - {key}: {error}";
            }
        }

        return null;
    }

    internal static bool? ParseBoolean(string value) => value.ToUpperInvariant() switch
    {
        "1" or "TRUE" or "YES" or "ON" => true,
        "0" or "FALSE" or "NO" or "OFF" => false,
        _ => null,
    };

    private static bool IsOptional(JsonObject property) => IsTrue(property["optional"]);

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && (v.TryGetValue<int>(out var i) ? i != 0 : v.TryGetValue<bool>(out var b) && b);

    // The schema writes some bounds as strings ("minimum": "0").
    private static double? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    [GeneratedRegex(@"^([a-z_]+)(\d+)$")]
    private static partial Regex IndexedName();
}
