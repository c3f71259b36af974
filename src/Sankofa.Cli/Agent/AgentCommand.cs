using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Sankofa.Agent.Keys;
using Sankofa.Agent.LightClient;
using Sankofa.Agent.Link;
using Sankofa.Agent.Registration;
using Sankofa.Agent.Work;
using Sankofa.Proxmox.Api;
using Sankofa.Proxmox.Provisioning;

namespace Sankofa.Cli.Agent;

/// <summary><c>sankofa agent init</c> and <c>run</c>: the site agent's own key, the registration it signs with it, and its link.</summary>
internal static class AgentCommand
{
    /// <summary>Exit code: done.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: usage error, a key already there, or the server unreachable.</summary>
    public const int Error = 2;

    public static Command Create()
    {
        var agent = new Command("agent", "The site agent: its key, registration and link.");
        agent.Subcommands.Add(InitCommand());
        agent.Subcommands.Add(RunCommand());
        agent.Subcommands.Add(AgentRotateCommand.Create());
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

    /// <summary>Where the secret of the agent's service account is read from when the environment does not give it.</summary>
    public const string SecretFileName = "client-secret";

    /// <summary>The file in the agent's directory whose time the agent sets at each heartbeat it sends (its container's probes read it).</summary>
    public const string HeartbeatFileName = "heartbeat";

    /// <summary>The environment variable that may hold the service account's secret.</summary>
    public const string SecretVariable = "SANKOFA_AGENT_CLIENT_SECRET";

    private static Command RunCommand()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "The agent's directory, made by `agent init`.", Required = true };
        var clientId = new Option<string>("--client-id")
        {
            Description = $"The agent's service account (holding site-agent@SITE); its secret comes from ${SecretVariable} or DIR/{SecretFileName}.",
            Required = true,
        };
        var links = UriOption.CreateMany("--link",
            "A control plane's agent link address; repeat it for the ones to try next (regional, then core). Default: the link --server names at /api/v1/agent-link.");
        var proxmoxUrl = UriOption.Create("--proxmox-url", $"The site's Proxmox VE API (overrides {AgentWorkSettings.ProxmoxSection}:BaseUrl of DIR/{AgentWorkSettings.FileName}).");
        var chainRpc = UriOption.Create("--chain-rpc", $"The chain's JSON-RPC endpoint the light client reads (overrides {LightClientOptions.SectionName}:RpcUrl).");
        var checkpointNumber = new Option<long?>("--checkpoint-number") { Description = $"The trusted checkpoint block's number (overrides {LightClientOptions.SectionName}:CheckpointNumber)." };
        var checkpointHash = new Option<string>("--checkpoint-hash") { Description = $"The trusted checkpoint block's hash (overrides {LightClientOptions.SectionName}:CheckpointHash)." };
        var command = new Command("run",
            $"Link the site to its control plane (outbound only), run the work it sends on the site's own Proxmox VE, and keep linked until stopped (Ctrl+C). "
            + $"Settings: DIR/{AgentWorkSettings.FileName} ({AgentWorkSettings.ProxmoxSection}, {LightClientOptions.SectionName}), overridden by SANKOFA_Agent__… environment variables and the options below.")
        {
            dataDir, clientId, links, proxmoxUrl, chainRpc, checkpointNumber, checkpointHash,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var directory = Path.GetFullPath(parse.GetValue(dataDir)!);
                var registration = JsonSerializer.Deserialize<RegistrationRequest>(
                    await File.ReadAllTextAsync(Path.Combine(directory, RegistrationRequest.FileName), cancellationToken), RegistrationRequest.Json)
                    ?? throw new InvalidOperationException($"{RegistrationRequest.FileName} in {directory} is empty.");
                var options = new AgentLinkClientOptions
                {
                    Site = registration.SiteId,
                    ClientId = parse.GetValue(clientId)!,
                    ClientSecret = await SecretAsync(directory, cancellationToken),
                    OutboxDirectory = Path.Combine(directory, "outbox"),
                    HeartbeatFile = Path.Combine(directory, HeartbeatFileName),
                };
                foreach (var link in parse.GetValue(links) is { Length: > 0 } given ? given : [await LinkOfAsync(parse.GetValue(SankofaCommand.Server)!, cancellationToken)])
                {
                    options.Servers.Add(link);
                }

                var settings = AgentWorkSettings.Read(Settings(directory, new Dictionary<string, string?>
                {
                    [AgentWorkSettings.ProxmoxSection + ":BaseUrl"] = parse.GetValue(proxmoxUrl)?.ToString(),
                    [LightClientOptions.SectionName + ":RpcUrl"] = parse.GetValue(chainRpc)?.ToString(),
                    [LightClientOptions.SectionName + ":CheckpointNumber"] = parse.GetValue(checkpointNumber)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    [LightClientOptions.SectionName + ":CheckpointHash"] = parse.GetValue(checkpointHash),
                }), registration.ChainId);
                options.ReportInterval = settings.ReportInterval;

                using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
                using var proxmox = new ProxmoxSite(registration.SiteId, settings.Proxmox, TimeProvider.System, logging.CreateLogger<ProxmoxClient>());
                using var rpc = new ChainRpcClient(settings.Chain.RpcUrl!, settings.Chain.RpcTimeout);
                var chainOptions = Microsoft.Extensions.Options.Options.Create(settings.Chain);
                var chain = new ChainLightClient(rpc, new HeaderVerifier(rpc, chainOptions, logging.CreateLogger<HeaderVerifier>()), chainOptions);
                var keys = SiteKeys.LoadFrom(directory, chain, registration.Registry, registration.SiteId, logging.CreateLogger<SiteKeys>());
                var runner = new WorkRunner(
                    new WorkRunnerOptions { Site = registration.SiteId, Registry = registration.Registry, ChainId = registration.ChainId, MaxConcurrentWork = settings.MaxConcurrentWork },
                    proxmox.Provider, proxmox.Observer, chain, keys, logging.CreateLogger<WorkRunner>());
                parse.InvocationConfiguration.Output.WriteLine(
                    $"Agent for site {options.Site} (key {keys.Current.Address}) linking to {string.Join(", ", options.Servers)}; Proxmox VE {settings.Proxmox.BaseUrl}, chain {settings.Chain.RpcUrl}");
                await new AgentLinkClient(options, keys, TimeProvider.System, logging.CreateLogger<AgentLinkClient>(), runner, new SiteInventory(proxmox.Provider, TimeProvider.System))
                    .RunAsync(cancellationToken);
                return Ok;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Ok;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or HttpRequestException or InvalidOperationException or JsonException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"sankofa agent run: {ex.Message}");
                return Error;
            }
        });
        return command;
    }

    /// <summary>DIR/agent.json, then SANKOFA_Agent__… environment variables, then the command's options (those given).</summary>
    private static IConfiguration Settings(string directory, Dictionary<string, string?> options) => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(directory, AgentWorkSettings.FileName), optional: true, reloadOnChange: false)
        .AddEnvironmentVariables("SANKOFA_")
        .AddInMemoryCollection(options.Where(o => o.Value is not null))
        .Build();

    private static async Task<string> SecretAsync(string directory, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(SecretVariable) is { Length: > 0 } secret)
        {
            return secret;
        }

        var file = Path.Combine(directory, SecretFileName);
        return File.Exists(file)
            ? (await File.ReadAllTextAsync(file, cancellationToken)).Trim()
            : throw new InvalidOperationException($"No secret for the agent's service account: set {SecretVariable} or write it to {file} (0600).");
    }

    private static async Task<Uri> LinkOfAsync(Uri server, CancellationToken cancellationToken)
    {
        using var anonymous = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        using var answer = await anonymous.GetAsync(new Uri("api/v1/agent-link", UriKind.Relative), cancellationToken);
        if (!answer.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{server} serves no agent link ({(int)answer.StatusCode}); give --link or set AgentLink:Url there.");
        }

        var body = await answer.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return new Uri(body.GetProperty("url").GetString()!);
    }
}
