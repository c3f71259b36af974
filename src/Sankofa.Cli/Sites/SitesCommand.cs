using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Server.Topology;

namespace Sankofa.Cli.Sites;

/// <summary><c>sankofa sites</c>: the fleet's sites with capacity and live health.</summary>
internal static class SitesCommand
{
    public static Command Create()
    {
        var tier = new Option<string?>("--tier") { Description = "Only core, regional or edge sites." };
        var region = new Option<string?>("--region") { Description = "Only sites of this region." };
        var jurisdiction = new Option<string?>("--jurisdiction") { Description = "Only sites in this country (ISO 3166-1 alpha-2)." };
        var status = new Option<string?>("--status") { Description = "Only sites that are up, degraded or down." };
        var list = new Command("sites", "List the fleet's sites with capacity and health.") { tier, region, jurisdiction, status };
        list.SetAction(async (parse, cancellationToken) =>
        {
            var query = string.Join('&', new[] { ("tier", parse.GetValue(tier)), ("region", parse.GetValue(region)), ("jurisdiction", parse.GetValue(jurisdiction)), ("status", parse.GetValue(status)) }
                .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
            return await RunAsync(parse, async http =>
            {
                var sites = new List<SiteResponse>();
                string? after = null;
                do
                {
                    var page = await http.GetAsync<SitePageResponse>($"api/v1/sites?limit=500&{query}" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)), cancellationToken);
                    sites.AddRange(page.Items);
                    after = page.Next;
                }
                while (after is not null);

                if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
                {
                    Console.WriteLine(JsonSerializer.Serialize(sites, SankofaApiClient.Json));
                    return;
                }

                Console.WriteLine($"{"ID",-16} {"TIER",-9} {"STATUS",-9} {"COUNTRY",-7} {"HOSTS",5} {"VCPU",6} {"RAM GiB",8}  NAME");
                foreach (var s in sites)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{s.Id,-16} {s.Tier.ToString().ToLowerInvariant(),-9} {s.Status.ToString().ToLowerInvariant(),-9} {s.Jurisdiction,-7} {s.HostCount,5} {s.Capacity.VCpu,6} {s.Capacity.RamMiB / 1024,8}  {s.Name}"));
                }

                Console.WriteLine($"{sites.Count} site(s)");
            });
        });

        var id = new Argument<string>("id") { Description = "The site." };
        var show = new Command("show", "Show one site: hosts, links, capacity and live health.") { id };
        show.SetAction(async (parse, cancellationToken) => await RunAsync(parse, async http =>
        {
            var site = await http.GetAsync<SiteResponse>($"api/v1/sites/{Uri.EscapeDataString(parse.GetValue(id)!)}", cancellationToken);
            if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
            {
                Console.WriteLine(JsonSerializer.Serialize(site, SankofaApiClient.Json));
                return;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                {site.Id}  {site.Name} ({site.Jurisdiction}, {site.Region})  {site.Tier.ToString().ToLowerInvariant()}
                  status    {site.Status.ToString().ToLowerInvariant()} (from {site.StatusSource}{(site.CheckedAt is { } at ? $", {at:u}" : "")}){(site.ProbeError is { } e ? $": {e}" : "")}
                  provision {(site.Provisionable ? "yes" : "no: no hypervisor configured, placement treats the site as down")}
                  location  {site.Latitude:F4}, {site.Longitude:F4}
                  uplink    {site.Uplink ?? "-"}
                  adjacent  {string.Join(", ", site.Adjacent)}
                  capacity  {site.Capacity.VCpu} vCPU, {site.Capacity.RamMiB / 1024} GiB RAM, {site.Capacity.DiskGiB} GiB disk
                """));
            foreach (var h in site.Hosts ?? [])
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  host {h.Id,-20} {h.Status.ToString().ToLowerInvariant(),-9} {h.Capacity.VCpu} vCPU, {h.Capacity.RamMiB / 1024} GiB RAM{(h.MemoryUsedBytes is { } used ? $", {used >> 20} MiB in use" : "")}"));
            }
        }));
        list.Subcommands.Add(show);
        list.Subcommands.Add(SiteAgentsCommand.Create());
        return list;
    }

    private static async Task<int> RunAsync(ParseResult parse, Func<SankofaApiClient, Task> action)
    {
        using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
        try
        {
            await action(api);
            return 0;
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"sankofa sites: {ex.Message}");
            return ex.StatusCode == HttpStatusCode.NotFound ? 1 : 2;
        }
    }
}
