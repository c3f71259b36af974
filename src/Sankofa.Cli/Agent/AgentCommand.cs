using System.CommandLine;
using System.Text.Json;
using Sankofa.Agent.Keys;
using Sankofa.Agent.Registration;

namespace Sankofa.Cli.Agent;

/// <summary><c>sankofa agent init</c>: the site agent's own key and the registration it signs with it.</summary>
internal static class AgentCommand
{
    /// <summary>Exit code: done.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: usage error, a key already there, or the server unreachable.</summary>
    public const int Error = 2;

    public static Command Create()
    {
        var agent = new Command("agent", "The site agent: its key and registration.");
        agent.Subcommands.Add(InitCommand());
        return agent;
    }

    private static Command InitCommand()
    {
        var site = new Option<string>("--site") { Description = "The site this agent runs at (as the catalog names it).", Required = true };
        var dataDir = new Option<string>("--data-dir") { Description = "The agent's directory (made 0700; the key inside is 0600).", Required = true };
        var command = new Command("init",
            "Create the site key in the agent's directory (never printed or sent; an existing key is never replaced) and write registration.json, "
            + "signed by the key for the chain and ResourceRegistry that --server names at /api/v1/ledger.") { site, dataDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var server = parse.GetValue(SankofaCommand.Server)!;
            try
            {
                var directory = Path.GetFullPath(parse.GetValue(dataDir)!);
                // No credentials: the agent has none, and the ledger's public facts need none.
                using var anonymous = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
                var registration = await AgentInit.RunAsync(parse.GetValue(site)!, directory, ct => ChainBinding.ReadAsync(anonymous, ct), TimeProvider.System, cancellationToken);
                var file = Path.Combine(directory, RegistrationRequest.FileName);
                if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
                {
                    parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(registration, RegistrationRequest.Json));
                }
                else
                {
                    parse.InvocationConfiguration.Output.WriteLine($"""
                        Site key for {registration.SiteId}: {registration.Address}
                          key           {SiteKey.PathIn(directory)} (0600, stays here)
                          registration  {file}
                          signed for    chain {registration.ChainId}, ResourceRegistry {registration.Registry}
                        Next: an administrator runs `sankofa sites agents register --file {file}`, then `sankofa sites agents approve {registration.SiteId}`.
                        """);
                }

                return Ok;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or HttpRequestException or InvalidOperationException or JsonException or TaskCanceledException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"sankofa agent init: {ex.Message}");
                return Error;
            }
        });
        return command;
    }
}
