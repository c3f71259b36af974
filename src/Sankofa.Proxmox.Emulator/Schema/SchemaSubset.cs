using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sankofa.Proxmox.Emulator.Schema;

/// <summary>
/// Derives the embedded subset from the official schema: the paths and methods the emulator serves, with each
/// parameter's checkable keywords and none of the prose. A test derives it again from the official file and compares.
/// </summary>
internal static class SchemaSubset
{
    private static readonly HashSet<string> KeptKeywords = new(StringComparer.Ordinal)
    {
        "type", "optional", "enum", "pattern", "minimum", "maximum", "minLength", "maxLength", "format", "requires", "default_key", "alias",
    };

    public static string Derive(Stream officialSchema, IEnumerable<(string Path, string Method)> served)
    {
        var root = JsonNode.Parse(officialSchema) as JsonArray ?? throw new InvalidDataException("The API schema must be a JSON array.");
        var byPath = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        Index(root, byPath);

        var result = new JsonArray();
        foreach (var group in served.GroupBy(s => s.Path, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (!byPath.TryGetValue(group.Key, out var node))
            {
                throw new InvalidDataException($"The official schema has no path {group.Key}.");
            }

            var info = new JsonObject();
            foreach (var method in group.Select(g => g.Method).Distinct().Order(StringComparer.Ordinal))
            {
                if (node["info"]?[method] is not JsonObject definition)
                {
                    throw new InvalidDataException($"The official schema has no {method} {group.Key}.");
                }

                var parameters = new JsonObject();
                if (definition["parameters"] is JsonObject source)
                {
                    if (source["additionalProperties"] is { } additional)
                    {
                        parameters["additionalProperties"] = additional.DeepClone();
                    }

                    var properties = new JsonObject();
                    foreach (var (name, property) in source["properties"] as JsonObject ?? [])
                    {
                        properties[name] = Trim(property);
                    }

                    parameters["properties"] = properties;
                }

                info[method] = new JsonObject { ["parameters"] = parameters };
            }

            result.Add(new JsonObject { ["path"] = group.Key, ["info"] = info });
        }

        return result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static void Index(JsonArray nodes, Dictionary<string, JsonObject> byPath)
    {
        foreach (var node in nodes.OfType<JsonObject>())
        {
            if ((string?)node["path"] is { } path)
            {
                byPath[path] = node;
            }

            if (node["children"] is JsonArray children)
            {
                Index(children, byPath);
            }
        }
    }

    private static JsonNode? Trim(JsonNode? property)
    {
        if (property is not JsonObject source)
        {
            return property?.DeepClone();
        }

        var trimmed = new JsonObject();
        foreach (var (key, value) in source)
        {
            if (!KeptKeywords.Contains(key))
            {
                continue;
            }

            // A format is either a name or an object describing a property string's keys.
            trimmed[key] = key == "format" && value is JsonObject keys
                ? new JsonObject(keys.Select(k => KeyValuePair.Create(k.Key, Trim(k.Value))))
                : value?.DeepClone();
        }

        return trimmed;
    }
}
