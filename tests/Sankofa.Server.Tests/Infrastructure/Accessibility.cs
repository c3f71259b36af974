using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>The accessibility bar every page of the issuer and the portal is held to: no serious or critical axe violation.</summary>
public static class Accessibility
{
    private static readonly string[] Failing = ["serious", "critical"];

    /// <summary>
    /// Runs axe-core (every rule it has, best practices included) on the page and fails with each serious or critical
    /// violation: its rule, impact, the elements it targets and what to do. Lesser findings fail nothing; they are
    /// written to <paramref name="reportFile"/> when there are any, for whoever polishes the page.
    /// </summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string name, string? reportFile = null)
    {
        var result = await page.RunAxe();
        var failing = result.Violations.Where(v => Failing.Contains(v.Impact)).ToList();
        var lesser = result.Violations.Except(failing).ToList();
        if (reportFile is not null && lesser.Count > 0)
        {
            await File.WriteAllTextAsync(reportFile, Describe(lesser));
        }

        Assert.True(failing.Count == 0,
            $"axe found {failing.Count} serious or critical accessibility violation(s) on \"{name}\" ({page.Url}):\n{Describe(failing)}");
    }

    /// <summary>One violation per paragraph: "rule (impact): help", its targets, and the rule's documentation.</summary>
    public static string Describe(IEnumerable<AxeResultItem> violations)
    {
        var text = new StringBuilder();
        foreach (var violation in violations)
        {
            text.Append("- ").Append(violation.Id).Append(" (").Append(violation.Impact).Append("): ").AppendLine(violation.Help);
            foreach (var node in violation.Nodes)
            {
                text.Append("    at ").Append(node.Target?.ToString() ?? "?").Append("  ").AppendLine(node.Html);
            }

            text.Append("    ").AppendLine(violation.HelpUrl);
        }

        return text.ToString();
    }
}
