using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Server.Compliance;

namespace Sankofa.Cli.Compliance;

/// <summary><c>sankofa compliance residency --tenant T --from F [--to T]</c>: where a tenant's resources ran, with the chain's proof.</summary>
internal static class ResidencyCommands
{
    /// <summary>Exit code when the report flags a resource.</summary>
    public const int Flagged = 1;

    public static Command Create()
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant.", Required = true };
        var from = new Option<DateTimeOffset>("--from") { Description = "Start of the period (ISO 8601).", Required = true };
        var to = new Option<DateTimeOffset?>("--to") { Description = "End of the period, exclusive (default: now)." };
        var command = new Command("residency", "Where every resource of a tenant ran over a period (site, jurisdiction), the chain's record of each placement, and what is outside its allowed jurisdictions. Exits 1 when anything is flagged.")
        {
            tenant, from, to,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
                var query = $"api/v1/compliance/residency?tenant={Uri.EscapeDataString(parse.GetValue(tenant)!)}&from={Uri.EscapeDataString(Iso(parse.GetValue(from)))}"
                            + (parse.GetValue(to) is { } end ? $"&to={Uri.EscapeDataString(Iso(end))}" : "");
                var report = await api.GetAsync<ResidencyReportResponse>(query, cancellationToken);
                if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
                {
                    Console.WriteLine(JsonSerializer.Serialize(report, SankofaApiClient.Json));
                }
                else
                {
                    Print(report);
                }

                return report.Flagged > 0 ? Flagged : 0;
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync($"sankofa compliance residency: {ex.Message}");
                return 2;
            }
        });
        return command;
    }

    private static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static void Print(ResidencyReportResponse report)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Residency of {report.Tenant} from {report.From:yyyy-MM-dd HH:mm} to {report.To:yyyy-MM-dd HH:mm} UTC: {report.Resources.Count} resources, {report.Flagged} flagged; proofs read from ResourceRegistry {report.Chain.Registry} on chain {report.Chain.ChainId} at block {report.Chain.Block}."));
        foreach (var r in report.Resources)
        {
            var allowed = r.AllowedJurisdictions is { } a ? string.Join(",", a) : "any";
            Console.WriteLine($"{(r.Flags.Count > 0 ? "✗" : "✓")} {r.Id,-22} {r.Site,-14} {r.Jurisdiction} (allowed {allowed}) chain: {r.Proof.State} {r.Proof.Jurisdiction ?? "-"} key {r.Proof.ResourceKey}"
                              + (r.Flags.Count > 0 ? "  " + string.Join(", ", r.Flags) : ""));
        }
    }
}
