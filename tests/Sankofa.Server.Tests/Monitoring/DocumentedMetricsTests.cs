using System.Text.RegularExpressions;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.TestSupport;

namespace Sankofa.Server.Tests.Monitoring;

/// <summary>
/// docs/observability.md lists exactly the <c>sankofa_*</c> families a real server exports: none undocumented, none
/// documented that the server does not export (except those marked ¹, which appear at their first event).
/// </summary>
public sealed partial class DocumentedMetricsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Every_sankofa_family_of_a_scrape_is_documented_and_every_documented_one_is_exported()
    {
        var created = await fixture.Server.RecordAsync();
        await fixture.Server.WaitAnchoredAsync(created.Id);
        var scrape = await MetricsScrape.ReadAsync(fixture.Server);
        var exported = scrape.Families.Keys.Where(f => f.StartsWith("sankofa_", StringComparison.Ordinal)).ToHashSet();
        var documented = Documented();

        var undocumented = exported.Where(f => !documented.ContainsKey(f)).Order().ToList();
        var missing = documented.Where(d => !d.Value && !exported.Contains(d.Key)).Select(d => d.Key).Order().ToList();

        Assert.True(undocumented.Count == 0, "exported but not in docs/observability.md: " + string.Join(", ", undocumented));
        Assert.True(missing.Count == 0, "in docs/observability.md but not exported (mark ¹ if it appears at its first event): " + string.Join(", ", missing));
    }

    /// <summary>The families named in the first cell of the document's table rows, and whether each is marked ¹.</summary>
    internal static Dictionary<string, bool> Documented()
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, "docs", "observability.md"));
        return FamilyRow().Matches(text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Success, StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\| `(sankofa_[a-z0-9_]+)`( ¹)? \|", RegexOptions.Multiline)]
    private static partial Regex FamilyRow();
}
