using System.Text.RegularExpressions;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Sankofa.Server.Tests.Monitoring;

/// <summary>
/// The Prometheus rules of deploy/monitoring: valid (<c>promtool check rules</c>), their unit tests pass
/// (<c>promtool test rules</c>), every alert is seen both firing and not firing there, and every series they read is
/// one a real server exports (or a rule of theirs records), with the label values they match on.
/// </summary>
public sealed partial class MonitoringRulesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string Monitoring = Path.Combine(Repository.Root, "deploy", "monitoring");

    private static IEnumerable<string> RuleFiles => Directory.GetFiles(Path.Combine(Monitoring, "rules"), "*.yml").Order();

    private static IEnumerable<string> TestFiles => Directory.GetFiles(Path.Combine(Monitoring, "tests"), "*.yml").Order();

    [Fact]
    public async Task The_rule_files_pass_promtool_check_rules()
    {
        Assert.NotEmpty(RuleFiles);

        var (exitCode, output) = await Promtool.RunAsync(["check", "rules", .. RuleFiles]);

        Assert.True(exitCode == 0, $"promtool check rules exited with {exitCode}:\n{output}");
    }

    [Fact]
    public async Task The_rules_unit_tests_pass_promtool_test_rules()
    {
        Assert.NotEmpty(TestFiles);

        // From the tests' folder: their rule_files are relative to it.
        var (exitCode, output) = await Promtool.RunAsync(["test", "rules", .. TestFiles.Select(Path.GetFileName)!], directory: Path.Combine(Monitoring, "tests"));

        Assert.True(exitCode == 0, $"promtool test rules exited with {exitCode}:\n{output}");
    }

    [Fact]
    public void Every_alert_is_tested_both_firing_and_not_firing()
    {
        var alerts = Rules().Where(r => r.Alert is not null).Select(r => r.Alert!).ToList();
        var firing = new HashSet<string>(StringComparer.Ordinal);
        var quiet = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in TestFiles)
        {
            foreach (var test in Sequence(Load(file), "tests"))
            {
                foreach (var check in Sequence(test, "alert_rule_test"))
                {
                    var name = ((YamlScalarNode)check["alertname"]).Value!;
                    var expected = check is YamlMappingNode m && m.Children.TryGetValue("exp_alerts", out var e) && e is YamlSequenceNode s ? s.Children.Count : 0;
                    (expected > 0 ? firing : quiet).Add(name);
                }
            }
        }

        Assert.NotEmpty(alerts);
        var neverFiring = alerts.Where(a => !firing.Contains(a)).ToList();
        var neverQuiet = alerts.Where(a => !quiet.Contains(a)).ToList();
        Assert.True(neverFiring.Count == 0, "no test sees these fire: " + string.Join(", ", neverFiring));
        Assert.True(neverQuiet.Count == 0, "no test sees these stay quiet: " + string.Join(", ", neverQuiet));
    }

    [Fact]
    public async Task Every_series_the_rules_read_is_exported_by_a_real_server_with_the_label_values_they_match()
    {
        // Requests first, so the HTTP families have samples (the scrape itself counts only in the next scrape).
        (await fixture.Server.Anonymous.GetAsync("healthz")).Dispose();
        await MetricsScrape.ReadAsync(fixture.Server);
        var scrape = await Eventually.UntilAsync(() => MetricsScrape.ReadAsync(fixture.Server), s => s.Value("sankofa_chain_up") is not null);
        var exported = scrape.SampleNames.ToHashSet(StringComparer.Ordinal);
        var rules = Rules();
        var recorded = rules.Where(r => r.Record is not null).Select(r => r.Record!).ToHashSet(StringComparer.Ordinal);

        var unknown = new List<string>();
        var unmatched = new List<string>();
        foreach (var rule in rules)
        {
            foreach (var name in PromQl.MetricNames(rule.Expr).Where(n => !exported.Contains(n) && !recorded.Contains(n)))
            {
                unknown.Add($"{rule.Alert ?? rule.Record}: {name}");
            }

            foreach (Match selector in Selector().Matches(rule.Expr))
            {
                var metric = selector.Groups["metric"].Value;
                foreach (Match matcher in ExactMatcher().Matches(selector.Groups["matchers"].Value))
                {
                    var (label, value) = (matcher.Groups["label"].Value, matcher.Groups["value"].Value);
                    if (!recorded.Contains(metric) && scrape.Value(metric, (label, value)) is null)
                    {
                        unmatched.Add($"{metric}{{{label}=\"{value}\"}} (the scrape has {string.Join(", ", scrape.LabelValues(metric, label))})");
                    }
                }
            }
        }

        Assert.True(unknown.Count == 0, "series no scrape holds: " + string.Join(", ", unknown.Distinct()));
        Assert.True(unmatched.Count == 0, "label values no sample has: " + string.Join(", ", unmatched.Distinct()));
    }

    private static List<(string? Alert, string? Record, string Expr)> Rules() =>
    [
        .. RuleFiles.SelectMany(file => Sequence(Load(file), "groups"))
            .SelectMany(group => Sequence(group, "rules"))
            .Select(rule => (Scalar(rule, "alert"), Scalar(rule, "record"), Scalar(rule, "expr")!)),
    ];

    private static YamlNode Load(string file)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(file);
        yaml.Load(reader);
        return yaml.Documents[0].RootNode;
    }

    private static IEnumerable<YamlNode> Sequence(YamlNode node, string key) =>
        node is YamlMappingNode m && m.Children.TryGetValue(key, out var s) && s is YamlSequenceNode seq ? seq.Children : [];

    private static string? Scalar(YamlNode node, string key) =>
        node is YamlMappingNode m && m.Children.TryGetValue(key, out var s) && s is YamlScalarNode scalar ? scalar.Value : null;

    [GeneratedRegex(@"(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<matchers>[^}]*)\}")]
    private static partial Regex Selector();

    [GeneratedRegex("(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\\s*!?=\\s*\"(?<value>[^\"]*)\"")]
    private static partial Regex ExactMatcher();
}
