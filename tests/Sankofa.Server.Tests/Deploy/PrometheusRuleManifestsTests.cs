using System.Diagnostics;

namespace Sankofa.Server.Tests.Deploy;

/// <summary>
/// The PrometheusRule objects under deploy/kubernetes/base/monitoring are what scripts/prometheus-rules.sh writes from
/// deploy/monitoring/rules: the rule files stay the one source, and a changed rule not carried into the manifests fails.
/// </summary>
public sealed class PrometheusRuleManifestsTests : IDisposable
{
    private readonly DirectoryInfo output = Directory.CreateTempSubdirectory("sankofa-prometheusrules-");

    public void Dispose() => output.Delete(recursive: true);

    [Fact]
    public async Task The_committed_PrometheusRules_are_what_the_script_writes_from_the_rule_files()
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Repository.Root, "scripts", "prometheus-rules.sh"), output.FullName])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using (var script = Process.Start(start)!)
        {
            var error = script.StandardError.ReadToEndAsync();
            await script.WaitForExitAsync();
            Assert.True(script.ExitCode == 0, $"scripts/prometheus-rules.sh exited with {script.ExitCode}: {await error}");
        }

        var committed = Path.Combine(Repository.Root, "deploy", "kubernetes", "base", "monitoring");
        var written = output.GetFiles().Select(f => f.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("kustomization.yaml", written);
        Assert.True(written.Count > 1, "the script wrote no PrometheusRule: deploy/monitoring/rules has no rule file");
        Assert.Equal(written, Directory.GetFiles(committed).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var name in written)
        {
            Assert.True(
                await File.ReadAllTextAsync(Path.Combine(output.FullName, name)) == await File.ReadAllTextAsync(Path.Combine(committed, name)),
                $"deploy/kubernetes/base/monitoring/{name} is not what scripts/prometheus-rules.sh writes: run the script and commit the result.");
        }
    }
}
