using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Sankofa.Cli.Api;
using Sankofa.Core.Agents;
using Sankofa.Server.Agents;

namespace Sankofa.Cli.Sites;

/// <summary><c>sankofa sites agents [--site S]</c>, <c>… register --file F</c>, <c>… approve SITE [--address A]</c>, <c>… rotate --file F</c>, <c>… revoke SITE --address A</c>: site agents for an administrator.</summary>
internal static class SiteAgentsCommand
{
    /// <summary>Exit code: done.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: the site or agent does not exist.</summary>
    public const int NotFound = 1;

    /// <summary>Exit code: usage, refusal or connection error.</summary>
    public const int Error = 2;

    public static Command Create()
    {
        var site = new Option<string?>("--site") { Description = "Only this site's agents." };
        var agents = new Command("agents", "List site agents with state, version and last report.") { site };
        agents.SetAction((parse, ct) => RunAsync(parse, "agents", async api =>
        {
            var items = await AllAsync(api, parse.GetValue(site), ct);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
            {
                output.WriteLine(JsonSerializer.Serialize(items, SankofaApiClient.Json));
                return Ok;
            }

            output.WriteLine($"{"SITE",-16} {"STATE",-9} {"VERSION",-20} {"LAST SEEN",-20} ADDRESS");
            foreach (var a in items)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{a.SiteId,-16} {a.State.ToString().ToLowerInvariant(),-9} {a.Version,-20} {(a.LastSeenAt is { } seen ? seen.ToString("u", CultureInfo.InvariantCulture) : "never"),-20} {a.Address}"));
            }

            output.WriteLine($"{items.Count} agent(s)");
            return Ok;
        }));
        agents.Subcommands.Add(RegisterCommand());
        agents.Subcommands.Add(ApproveCommand());
        agents.Subcommands.Add(RotateCommand());
        agents.Subcommands.Add(RevokeCommand());
        return agents;
    }

    private static Command RegisterCommand()
    {
        var file = new Option<FileInfo>("--file") { Description = "The registration.json that `sankofa agent init` wrote.", Required = true };
        var command = new Command("register", "Submit an agent's registration; the server checks the key's signature and keeps it pending.") { file };
        command.SetAction((parse, ct) => RunAsync(parse, "agents register", async api =>
        {
            var (siteId, json) = await ReadSiteFileAsync(parse.GetValue(file)!, "registration.json", ct);
            Print(parse, await api.RegisterAgentAsync(siteId, json, ct));
            return Ok;
        }));
        return command;
    }

    private static Command RotateCommand()
    {
        var file = new Option<FileInfo>("--file") { Description = "The rotation.json that `sankofa agent rotate` wrote.", Required = true };
        var command = new Command("rotate",
            "Submit an agent's key rotation; the server checks the new key's signature and the approved key's consent and keeps it pending. "
            + "Approving it (`approve SITE --address NEW`) rotates the key on chain.") { file };
        command.SetAction((parse, ct) => RunAsync(parse, "agents rotate", async api =>
        {
            var (siteId, json) = await ReadSiteFileAsync(parse.GetValue(file)!, "rotation.json", ct);
            Print(parse, await api.SubmitRotationAsync(siteId, json, ct));
            return Ok;
        }));
        return command;
    }

    private static Command RevokeCommand()
    {
        var site = new Argument<string>("site") { Description = "The site." };
        var address = new Option<string>("--address") { Description = "The agent's key address.", Required = true };
        var command = new Command("revoke",
            "Revoke a site agent's key: taken off chain (revokeSiteKey) when it is the site's key, so the site can no longer attest or link; "
            + "a pending one is refused for good. Final.") { site, address };
        command.SetAction((parse, ct) => RunAsync(parse, "agents revoke", async api =>
        {
            Print(parse, await api.RevokeAgentAsync(parse.GetValue(site)!, parse.GetValue(address)!, ct));
            return Ok;
        }));
        return command;
    }

    /// <summary>A file an agent wrote, as it is, and the site it names.</summary>
    private static async Task<(string SiteId, string Json)> ReadSiteFileAsync(FileInfo file, string kind, CancellationToken ct)
    {
        var json = await File.ReadAllTextAsync(file.FullName, ct);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("siteId", out var s) && s.ValueKind == JsonValueKind.String
            ? (s.GetString()!, json)
            : throw new InvalidOperationException($"{file.FullName} names no siteId; is it a {kind}?");
    }

    private static Command ApproveCommand()
    {
        var site = new Argument<string>("site") { Description = "The site." };
        var address = new Option<string?>("--address") { Description = "The agent's key address; needed only when the site has several pending agents." };
        var command = new Command("approve", "Approve a site's pending agent: its key is recorded on chain as the site's key.") { site, address };
        command.SetAction((parse, ct) => RunAsync(parse, "agents approve", async api =>
        {
            var siteId = parse.GetValue(site)!;
            var chosen = parse.GetValue(address);
            if (chosen is null)
            {
                var pending = (await AllAsync(api, siteId, ct)).Where(a => a.State == AgentState.Pending).ToList();
                if (pending.Count != 1)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync(pending.Count == 0
                        ? $"sankofa sites agents approve: site {siteId} has no pending agent."
                        : $"sankofa sites agents approve: site {siteId} has {pending.Count} pending agents; name one with --address: {string.Join(", ", pending.Select(a => a.Address))}");
                    return pending.Count == 0 ? NotFound : Error;
                }

                chosen = pending[0].Address;
            }

            Print(parse, await api.ApproveAgentAsync(siteId, chosen, ct));
            return Ok;
        }));
        return command;
    }

    private static async Task<List<AgentResponse>> AllAsync(SankofaApiClient api, string? siteId, CancellationToken ct)
    {
        var items = new List<AgentResponse>();
        long? after = null;
        do
        {
            var page = await api.ListAgentsAsync(siteId, after, 500, ct);
            items.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);
        return items;
    }

    private static void Print(ParseResult parse, AgentResponse a)
    {
        var output = parse.InvocationConfiguration.Output;
        if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(a, SankofaApiClient.Json));
            return;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            {a.SiteId}  {a.Address}  {a.State.ToString().ToLowerInvariant()}
              version     {a.Version}
              registered  {a.RegisteredAt:u} by {a.RegisteredBy} (signed by the agent {a.SignedAt:u})
              on chain    {(a.KeyTransaction is { } tx ? $"{tx} (block {a.KeyBlock}), approved by {a.ApprovedBy}" : "-")}
            """));
        if (a.RotatesFrom is { } previous)
        {
            output.WriteLine($"  rotates     from {previous}");
        }

        if (a.RetiredAt is { } retired)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {a.State.ToString().ToLowerInvariant(),-11} {retired:u} by {a.RetiredBy}{(a.RetireTransaction is { } rtx ? $", {rtx} (block {a.RetireBlock})" : ", nothing on chain")}"));
        }
    }

    private static async Task<int> RunAsync(ParseResult parse, string verb, Func<SankofaApiClient, Task<int>> action)
    {
        using var api = SankofaApiClient.Create(parse.GetValue(SankofaCommand.Server)!);
        try
        {
            return await action(api);
        }
        catch (ApiProblemException ex)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"sankofa sites {verb}: {ex.Message}");
            if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
            {
                parse.InvocationConfiguration.Output.WriteLine(ex.Body);
            }

            return ex.StatusCode == HttpStatusCode.NotFound ? NotFound : Error;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"sankofa sites {verb}: {ex.Message}");
            return Error;
        }
    }
}
