using System.Reflection;

namespace Sankofa.Core.Tests;

/// <summary>
/// Core's features depend on each other in one direction only, and the root namespace (the result and error types)
/// on none of them. Read from the types' signatures (base types, interfaces, fields, properties, method and
/// constructor parameters and returns, generic arguments), including the compiler's closure and state-machine types,
/// whose fields hold what method bodies capture; other references inside method bodies are not seen.
/// </summary>
public class NamespaceCycleTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void Core_features_reference_each_other_without_cycles_and_the_root_references_no_feature()
    {
        var graph = Dependencies();

        var root = graph.GetValueOrDefault("") ?? [];
        Assert.True(root.Count == 0, "The root namespace references " + string.Join(", ", root));
        var cycles = graph.Keys.Select(start => Cycle(graph, start)).OfType<string>().Distinct().ToList();
        Assert.True(cycles.Count == 0, "Namespace cycles: " + string.Join("; ", cycles));
    }

    /// <summary>Feature (the namespace segment after Sankofa.Core; "" for the root) → the other features its types reference.</summary>
    private static Dictionary<string, HashSet<string>> Dependencies()
    {
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (var type in typeof(Result<>).Assembly.GetTypes())
        {
            if (Feature(type) is not { } from)
            {
                continue;
            }

            var edges = graph.TryGetValue(from, out var set) ? set : graph[from] = [];
            foreach (var referenced in References(type).SelectMany(Expand))
            {
                if (Feature(referenced) is { } to && to != from)
                {
                    edges.Add(to);
                }
            }
        }

        return graph;
    }

    private static IEnumerable<Type> References(Type type)
    {
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (var i in type.GetInterfaces())
        {
            yield return i;
        }

        foreach (var f in type.GetFields(Declared))
        {
            yield return f.FieldType;
        }

        foreach (var p in type.GetProperties(Declared))
        {
            yield return p.PropertyType;
        }

        foreach (var m in type.GetMethods(Declared))
        {
            yield return m.ReturnType;
            foreach (var p in m.GetParameters())
            {
                yield return p.ParameterType;
            }
        }

        foreach (var c in type.GetConstructors(Declared))
        {
            foreach (var p in c.GetParameters())
            {
                yield return p.ParameterType;
            }
        }
    }

    /// <summary>A type with its element and generic argument types (Result&lt;Tenant&gt; references Tenant).</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        if (type.HasElementType && type.GetElementType() is { } element)
        {
            foreach (var t in Expand(element))
            {
                yield return t;
            }
        }

        if (type.IsGenericType)
        {
            foreach (var t in type.GetGenericArguments().Where(a => !a.IsGenericParameter).SelectMany(Expand))
            {
                yield return t;
            }
        }
    }

    /// <summary>The Core feature a type belongs to (nested types by their outermost type), or null outside Core.</summary>
    private static string? Feature(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        var ns = type.Namespace ?? string.Empty;
        if (ns == "Sankofa.Core")
        {
            return string.Empty;
        }

        return ns.StartsWith("Sankofa.Core.", StringComparison.Ordinal) ? ns["Sankofa.Core.".Length..].Split('.')[0] : null;
    }

    /// <summary>A cycle through <paramref name="start"/>, written "A → B → A", or null.</summary>
    private static string? Cycle(Dictionary<string, HashSet<string>> graph, string start)
    {
        var path = new Stack<string>();
        var seen = new HashSet<string>();

        string? Visit(string node)
        {
            path.Push(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (next == start)
                {
                    return string.Join(" → ", path.Reverse().Append(start).Select(n => n.Length == 0 ? "(root)" : n));
                }

                if (seen.Add(next) && Visit(next) is { } found)
                {
                    return found;
                }
            }

            path.Pop();
            return null;
        }

        return Visit(start);
    }
}
