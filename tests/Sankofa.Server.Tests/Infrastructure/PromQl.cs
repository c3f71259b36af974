using System.Text.RegularExpressions;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>What the monitoring tests read out of PromQL expressions (rules and dashboard queries).</summary>
internal static partial class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "and", "or", "unless", "bool", "offset" };

    /// <summary>
    /// The metric names an expression reads: what is left once strings, label matchers, ranges, grouping clauses,
    /// numbers, functions (a name before a parenthesis) and operators' keywords are taken out.
    /// </summary>
    public static IEnumerable<string> MetricNames(string expr)
    {
        var text = Quoted().Replace(expr, " ");
        text = Braces().Replace(text, " ");
        text = Range().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        return Identifier().Matches(text)
            .Where(m => !m.Groups["call"].Success && !Keywords.Contains(m.Groups["name"].Value))
            .Select(m => m.Groups["name"].Value)
            .Distinct();
    }

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Range();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w:.])(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifier();
}
