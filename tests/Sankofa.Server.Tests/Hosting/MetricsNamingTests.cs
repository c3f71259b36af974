using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Server.Tests.Hosting;

/// <summary>A scrape of /metrics keeps Prometheus's naming rules, as promtool (Debian's prometheus package) checks them.</summary>
public sealed class MetricsNamingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_scrape_after_requests_and_anchoring_passes_promtool_check_metrics()
    {
        var created = await fixture.Server.RecordAsync();
        await fixture.Server.WaitAnchoredAsync(created.Id);
        (await fixture.Server.Anonymous.GetAsync("healthz")).Dispose();
        var scrape = await fixture.Server.Anonymous.GetStringAsync("metrics");

        var (exitCode, output) = await Promtool.RunAsync(["check", "metrics"], scrape);

        Assert.True(exitCode == 0, $"promtool check metrics exited with {exitCode}:\n{output}");
    }
}
