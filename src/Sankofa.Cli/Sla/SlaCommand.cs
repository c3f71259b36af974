using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Server.Sla;

namespace Sankofa.Cli.Sla;

/// <summary><c>sankofa sla report [--tenant T] [--from F] [--to T]</c>: availability per VM against its tier's target (docs/billing.md).</summary>
internal static class SlaCommand
{
    /// <summary>Exit code: done.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: not found (no such tenant, or not one the caller sees).</summary>
    public const int NotFound = 1;

    /// <summary>Exit code: refused, bad input or connection error.</summary>
    public const int Error = 2;

    public static Command Create()
    {
        var sla = new Command("sla", "Service levels: availability measured per VM, sealed into the audit log (docs/billing.md).");
        sla.Subcommands.Add(ReportCommand());
        return sla;
    }

    private static Command ReportCommand()
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant (default: the one your roles read billing in)." };
        var from = new Option<string>("--from") { Description = "First hour, ISO 8601 (default: the start of the current month, UTC)." };
        var to = new Option<string>("--to") { Description = "End of the period, exclusive, ISO 8601 (default: now)." };
        var report = new Command("report", "A tenant's availability per VM: down time and intervals, its tier's target, breaches and the credit due.") { tenant, from, to };
        report.SetAction(async (parse, ct) =>
        {
            var query = string.Join('&', new[] { ("tenant", parse.GetValue(tenant)), ("from", parse.GetValue(from)), ("to", parse.GetValue(to)) }
                .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
            try
            {
                using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
                var r = await api.GetAsync<SlaReportResponse>("api/v1/sla" + (query.Length > 0 ? "?" + query : string.Empty), ct);
                parse.InvocationConfiguration.Output.WriteLine(parse.GetValue(SankofaCommand.Output) == OutputFormat.Json ? JsonSerializer.Serialize(r, SankofaApiClient.Json) : Text(r));
                return Ok;
            }
            catch (ApiProblemException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("sla: " + ex.Message);
                return ex.StatusCode == System.Net.HttpStatusCode.NotFound ? NotFound : Error;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("sla: " + ex.Message);
                return Error;
            }
        });
        return report;
    }

    private static string Text(SlaReportResponse r)
    {
        var text = new StringBuilder();
        var t = r.Totals;
        text.Append(CultureInfo.InvariantCulture, $"tenant {r.Tenant}, {r.From:u} to {r.To:u}: {t.Resources} VM(s), {t.AvailabilityPercent} % available ")
            .Append(CultureInfo.InvariantCulture, $"({t.DownSeconds} s down of {t.ExpectedSeconds} s), {t.Breaches} breach(es)");
        foreach (var v in r.Resources)
        {
            text.Append('\n').Append(CultureInfo.InvariantCulture,
                $"  {v.ResourceId,-14} {v.ProjectId,-12} {v.SiteId} ({v.Tier})  {v.AvailabilityPercent} % of target {v.TargetPercent} %  {v.DownSeconds} s down of {v.ExpectedSeconds} s  ")
                .Append(v.Breached ? string.Create(CultureInfo.InvariantCulture, $"BREACH: credit {v.CreditPercent} %") : "met")
                .Append(CultureInfo.InvariantCulture, $"  ({v.SealedHours}/{v.Hours} hours sealed)");
            foreach (var i in v.DownIntervals)
            {
                text.Append('\n').Append(CultureInfo.InvariantCulture, $"    down {i.Start:u} – {(i.End is { } end ? end.ToString("u", CultureInfo.InvariantCulture) : "ongoing")}");
            }
        }

        return text.ToString();
    }
}
