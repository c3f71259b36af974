using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using YamlDotNet.RepresentationModel;

namespace Sankofa.Server.Tests.Deploy;

/// <summary>
/// Objects as <c>kubectl kustomize</c> renders them, read strictly: the Kubernetes API's own kinds into the
/// <c>KubernetesClient</c> models, the custom kinds deploy/ uses into <see cref="CustomResources"/>; an unknown field or
/// an unknown kind is refused.
/// </summary>
internal static class RenderedObjects
{
    /// <summary>Reads every document of <paramref name="yaml"/>: an unknown field or kind throws, naming it.</summary>
    public static List<object> Parse(string yaml)
    {
        var objects = new List<object>();
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode)
            {
                continue;
            }

            var json = (JsonObject)ToJson(document.RootNode)!;
            var type = $"{json["apiVersion"]}/{json["kind"]}";
            if (CustomResources.Kinds.TryGetValue(type, out var custom))
            {
                try
                {
                    objects.Add(CustomResources.Read(json, custom));
                }
                catch (System.Text.Json.JsonException ex)
                {
                    throw new InvalidOperationException($"{type} {json["metadata"]?["name"]}: {ex.Message}", ex);
                }
            }
            else
            {
                // The models' own reading: strict, and it knows the built-in kinds only.
                objects.AddRange(KubernetesYaml.LoadAllFromString(Serialize(document), typeMap: null, strict: true));
            }
        }

        return objects;
    }

    /// <summary>Renders <paramref name="directory"/> (a kustomization) with <c>kubectl kustomize</c>; fails the test with kubectl's error.</summary>
    public static async Task<string> RenderAsync(string directory)
    {
        Process kubectl;
        try
        {
            kubectl = Process.Start(new ProcessStartInfo("kubectl", ["kustomize", directory])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("kubectl is not installed: run scripts/kubectl.sh (test.sh does); the machines come with kubectl 1.24 or later.", ex);
        }

        using (kubectl)
        {
            var stdout = kubectl.StandardOutput.ReadToEndAsync();
            var stderr = kubectl.StandardError.ReadToEndAsync();
            await kubectl.WaitForExitAsync();
            Assert.True(kubectl.ExitCode == 0, $"kubectl kustomize {directory} exited with {kubectl.ExitCode}:\n{await stderr}");
            return await stdout;
        }
    }

    private static string Serialize(YamlDocument document)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(document).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>YAML 1.2's core schema for plain scalars (null, booleans, numbers); quoted scalars stay strings.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } plain => plain.Value switch
        {
            null or "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            var text when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            var text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) => JsonValue.Create(real),
            var text => JsonValue.Create(text),
        },
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };
}
