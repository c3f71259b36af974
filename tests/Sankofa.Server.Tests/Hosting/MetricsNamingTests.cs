using System.Diagnostics;
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

        var (exitCode, output) = await CheckAsync(scrape);

        Assert.True(exitCode == 0, $"promtool check metrics exited with {exitCode}:\n{output}");
    }

    private static async Task<(int ExitCode, string Output)> CheckAsync(string scrape)
    {
        Process promtool;
        try
        {
            promtool = Process.Start(new ProcessStartInfo("promtool", ["check", "metrics"])
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("promtool is not installed: run scripts/prometheus.sh (test.sh does) to install Debian's prometheus package.", ex);
        }

        using (promtool)
        {
            var stdout = promtool.StandardOutput.ReadToEndAsync();
            var stderr = promtool.StandardError.ReadToEndAsync();
            await promtool.StandardInput.WriteAsync(scrape);
            promtool.StandardInput.Close();
            await promtool.WaitForExitAsync();
            return (promtool.ExitCode, await stdout + await stderr);
        }
    }
}
