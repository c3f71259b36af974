using Microsoft.Extensions.Options;

namespace Sankofa.Server.Identity.Oidc;

/// <summary>
/// Keeps OpenIddict's log messages at Debug and above, whatever the configured levels say: at Trace it writes every
/// token it creates or validates, in full, and a bearer token in a log file is a credential anyone reading the logs
/// could use. Applied after configuration is bound, for every provider named in the rules and for all others.
/// </summary>
internal sealed class TokenLogFilter : IPostConfigureOptions<LoggerFilterOptions>
{
    private const string Category = "OpenIddict";

    public void PostConfigure(string? name, LoggerFilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rules = options.Rules;
        for (var i = 0; i < rules.Count; i++)
        {
            // A rule naming OpenIddict (or one of its categories) below Debug is raised to Debug.
            if (rules[i] is { CategoryName: { } category, LogLevel: < LogLevel.Debug } rule && category.StartsWith(Category, StringComparison.Ordinal))
            {
                rules[i] = new LoggerFilterRule(rule.ProviderName, category, LogLevel.Debug, rule.Filter);
            }
        }

        // A rule for a provider beats any rule without one, so each provider named gets its own; the category makes
        // these more specific than any default, and rules naming OpenIddict more precisely were raised above. Each keeps
        // the level that applied before when that was already Debug or above (Warning, say): the filter only raises.
        foreach (var provider in rules.Select(r => r.ProviderName).Append(null).Distinct().ToList())
        {
            if (!rules.Any(r => r.ProviderName == provider && r.CategoryName is { } c && c.StartsWith(Category, StringComparison.Ordinal)))
            {
                var level = Max(Applying(rules, provider)?.LogLevel ?? options.MinLevel, LogLevel.Debug);
                rules.Add(new LoggerFilterRule(provider, Category, level, null));
            }
        }
    }

    /// <summary>The rule the logging framework would pick for an OpenIddict category of this provider: its own over a general one, then the longest category.</summary>
    private static LoggerFilterRule? Applying(IEnumerable<LoggerFilterRule> rules, string? provider) =>
        rules.Where(r => (r.ProviderName is null || r.ProviderName == provider) && (r.CategoryName is null || Category.StartsWith(r.CategoryName, StringComparison.Ordinal)))
            .OrderByDescending(r => r.ProviderName is not null)
            .ThenByDescending(r => r.CategoryName?.Length ?? 0)
            .FirstOrDefault();

    private static LogLevel Max(LogLevel a, LogLevel b) => a > b ? a : b;
}
