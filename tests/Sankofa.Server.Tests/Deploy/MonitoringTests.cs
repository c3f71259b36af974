using System.Text.Json;
using System.Text.RegularExpressions;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Deploy;

/// <summary>
/// The monitoring files against a real server and a real Prometheus: every Grafana dashboard's query is one Prometheus
/// accepts and names only series the server exports (or the rules record), every rule evaluates without error on the
/// server's real series, and stopping the chain brings up the chain-unreachable alert, which clears when it returns.
/// </summary>
public sealed partial class MonitoringTests(MonitoringFixture fixture) : IClassFixture<MonitoringFixture>
{
    private static string Dashboards => Path.Combine(Repository.Root, "deploy", "monitoring", "grafana", "dashboards");

    [Fact]
    public async Task Every_dashboard_is_valid_and_queries_only_series_the_server_exports_or_the_rules_record()
    {
        var scrape = MetricsScrape.Parse(await fixture.ScrapeAsync());
        var exported = scrape.SampleNames.Concat(scrape.Families.Keys).Append("up").ToHashSet(StringComparer.Ordinal);
        var recorded = RecordedSeries();
        var files = Directory.GetFiles(Dashboards, "*.json");
        Assert.NotEmpty(files);
        var problems = new List<string>();
        var uids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            var root = dashboard.RootElement;
            if (!uids.Add(root.GetProperty("uid").GetString()!))
            {
                problems.Add($"{name}: uid {root.GetProperty("uid")} is used twice");
            }

            Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()), $"{name} has no title");
            var panels = Panels(root).ToList();
            if (panels.Count == 0)
            {
                problems.Add($"{name}: no panels");
            }

            foreach (var panel in panels)
            {
                var title = panel.GetProperty("title").GetString();
                if (!panel.TryGetProperty("targets", out var targets) || targets.GetArrayLength() == 0)
                {
                    problems.Add($"{name} / {title}: no query");
                    continue;
                }

                foreach (var target in targets.EnumerateArray())
                {
                    var expr = Instant(target.GetProperty("expr").GetString()!);
                    foreach (var metric in PromQl.MetricNames(expr).Where(m => !exported.Contains(m) && !recorded.Contains(m)))
                    {
                        problems.Add($"{name} / {title}: {metric} is neither in the server's scrape nor recorded by deploy/monitoring/rules");
                    }

                    try
                    {
                        await fixture.Prometheus.QueryAsync(expr);
                    }
                    catch (InvalidOperationException ex)
                    {
                        problems.Add($"{name} / {title}: {ex.Message}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public async Task Every_rule_evaluates_on_the_servers_series_and_the_chain_unreachable_alert_fires_and_clears()
    {
        Assert.NotEmpty(MonitoringFixture.RuleFiles);
        var loaded = await Eventually.UntilAsync(fixture.Prometheus.RulesAsync, r => r.Count > 0 && r.All(x => x.Health == "ok"), TimeSpan.FromSeconds(30));
        Assert.True(loaded.Count > 0 && loaded.All(r => r.Health == "ok"),
            "rules not evaluated cleanly:\n" + string.Join('\n', loaded.Where(r => r.Health != "ok").Select(r => $"{r.Group}/{r.Rule}: {r.Health} {r.Error}")));
        Assert.DoesNotContain(await fixture.Prometheus.AlertsAsync(), a => a.Name == "SankofaChainUnreachable");

        await fixture.Chain.StopAsync();
        try
        {
            // The rule waits some minutes before it fires (promtool's unit tests cover that); here the alert must come
            // up from the real series at all: pending, or firing.
            var raised = await Eventually.UntilAsync(fixture.Prometheus.AlertsAsync, a => a.Any(x => x.Name == "SankofaChainUnreachable"), TimeSpan.FromMinutes(2));
            Assert.True(raised.Any(a => a.Name == "SankofaChainUnreachable"),
                $"no SankofaChainUnreachable alert 2 minutes after the chain stopped; alerts: {string.Join(", ", raised)}; sankofa_chain_up: {string.Join(", ", (await fixture.Prometheus.QueryAsync("sankofa_chain_up")).Select(s => s.Value))}");
        }
        finally
        {
            await fixture.Chain.RestartAsync();
        }

        var cleared = await Eventually.UntilAsync(fixture.Prometheus.AlertsAsync, a => a.All(x => x.Name != "SankofaChainUnreachable"), TimeSpan.FromMinutes(2));
        Assert.DoesNotContain(cleared, a => a.Name == "SankofaChainUnreachable");
    }

    /// <summary>The panels of a dashboard, those inside collapsed rows included.</summary>
    private static IEnumerable<JsonElement> Panels(JsonElement parent)
    {
        if (!parent.TryGetProperty("panels", out var panels))
        {
            yield break;
        }

        foreach (var panel in panels.EnumerateArray())
        {
            if (panel.GetProperty("type").GetString() == "row")
            {
                foreach (var inner in Panels(panel))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return panel;
            }
        }
    }

    /// <summary>A panel's query with Grafana's interval variables replaced, as Grafana sends it for a 1-minute step.</summary>
    private static string Instant(string expr) => expr
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("$__interval", "1m", StringComparison.Ordinal)
        .Replace("$__range", "1h", StringComparison.Ordinal);

    private static HashSet<string> RecordedSeries() =>
        MonitoringFixture.RuleFiles.SelectMany(f => RecordLine().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^\s*-?\s*record:\s*['""]?([a-zA-Z_:][a-zA-Z0-9_:]*)", RegexOptions.Multiline)]
    private static partial Regex RecordLine();
}

/// <summary>The dashboards test reads metric names out of PromQL the way Prometheus would see them.</summary>
public sealed class PromQlMetricNamesTests
{
    [Theory]
    [InlineData("sum by (code) (rate(http_requests_received_total{job=\"sankofa\",code=~\"5..\"}[5m]))", "http_requests_received_total")]
    [InlineData("histogram_quantile(0.99, sum by (le, endpoint) (rate(http_request_duration_seconds_bucket[1m])))", "http_request_duration_seconds_bucket")]
    [InlineData("a_total / on (instance) group_left (tier) b_info unless c offset 5m", "a_total b_info c")]
    [InlineData("max(sankofa:api_errors:ratio_rate5m) > bool 0.001 and time() - x_seconds > 60", "sankofa:api_errors:ratio_rate5m x_seconds")]
    public void Names_are_what_remains_without_strings_matchers_ranges_grouping_and_functions(string expr, string expected) =>
        Assert.Equal(expected.Split(' '), PromQl.MetricNames(expr));
}
