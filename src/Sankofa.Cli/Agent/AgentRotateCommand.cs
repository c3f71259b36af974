using System.CommandLine;
using System.Text.Json;
using Sankofa.Agent.Keys;
using Sankofa.Agent.Registration;

namespace Sankofa.Cli.Agent;

/// <summary><c>sankofa agent rotate</c>: the site's next key, beside the current one, and the rotation request both keys sign.</summary>
internal static class AgentRotateCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "The agent's directory, made by `agent init` (holding site.key and registration.json).", Required = true };
        var command = new Command("rotate",
            $"Make the site's next key in DIR/{SiteKey.NextFileName} (0600; the current key stays in use until the rotation is approved) and write "
            + $"{RotationRequest.FileName}: the new key's proof of possession and the current key's signature handing the site over, for the chain and "
            + "ResourceRegistry that --server names at /api/v1/ledger.") { dataDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var server = parse.GetValue(SankofaCommand.Server)!;
            try
            {
                var directory = Path.GetFullPath(parse.GetValue(dataDir)!);
                // No credentials, as for init: the ledger's public facts need none, and a wrong answer only makes signatures the chain refuses.
                using var anonymous = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
                var rotation = await AgentRotate.RunAsync(directory, ct => ChainBinding.ReadAsync(anonymous, ct), TimeProvider.System, cancellationToken);
                var file = Path.Combine(directory, RotationRequest.FileName);
                if (parse.GetValue(SankofaCommand.Output) == OutputFormat.Json)
                {
                    parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(rotation, RotationRequest.Json));
                }
                else
                {
                    parse.InvocationConfiguration.Output.WriteLine($"""
                        Rotation for {rotation.SiteId}: {rotation.PreviousAddress} -> {rotation.Address}
                          new key       {SiteKey.PathIn(directory, SiteKey.NextFileName)} (0600, stays here)
                          current key   {SiteKey.PathIn(directory)} (still in use until the rotation is approved)
                          rotation      {file}
                          signed for    chain {rotation.ChainId}, ResourceRegistry {rotation.Registry}
                        Next: an administrator runs `sankofa sites agents rotate --file {file}`, then `sankofa sites agents approve {rotation.SiteId} --address {rotation.Address}`;
                        once approved, stop the agent, `mv {SiteKey.NextFileName} {SiteKey.FileName}` in {directory}, and start it again (docs/agent.md).
                        """);
                }

                return AgentCommand.Ok;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or HttpRequestException or InvalidOperationException
                                           or InvalidDataException or JsonException or TaskCanceledException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"sankofa agent rotate: {ex.Message}");
                return AgentCommand.Error;
            }
        });
        return command;
    }
}
