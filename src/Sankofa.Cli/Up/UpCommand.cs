using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using System.CommandLine;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Sankofa.Core.Ledger;
using Sankofa.Core.Topology;
using Sankofa.Core;
using Sankofa.Server.Hosting;
using Sankofa.Server.Identity.Accounts;

namespace Sankofa.Cli.Up;

/// <summary><c>sankofa up</c>: the whole control plane in one process, like <c>vault server -dev</c>.</summary>
internal static class UpCommand
{
    public const string DefaultUrl = "http://127.0.0.1:8480";

    public static Command Create()
    {
        var dataDir = new Option<DirectoryInfo?>("--data-dir")
        {
            Description = "Where the database, chain state and keys live (default: $SANKOFA_DATA_DIR or ~/.sankofa).",
        };
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses the server listens on.",
            DefaultValueFactory = _ => DefaultUrl,
        };
        var rpcUrl = UriOption.Create("--rpc-url", "Use this Ethereum JSON-RPC endpoint (Besu or any EVM) instead of starting the embedded chain.");
        var agents = new Option<int>("--agents")
        {
            Description = "Edge sites served by a site agent of their own, each in its own process (the rest stay in direct mode).",
            DefaultValueFactory = _ => DefaultAgents,
        };
        agents.Validators.Add(result =>
        {
            if (result.GetValue(agents) is < 0 or > MaxAgents)
            {
                result.AddError($"--agents must be 0 to {MaxAgents}.");
            }
        });
        var command = new Command("up", "Start the all-in-one control plane: server, API, embedded chain and SQLite under one data directory.")
        {
            dataDir, urls, rpcUrl, agents,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(dataDir)?.FullName ?? Environment.GetEnvironmentVariable("SANKOFA_DATA_DIR"),
            parse.GetValue(urls)!,
            parse.GetValue(rpcUrl),
            parse.GetValue(agents),
            cancellationToken));
        return command;
    }

    /// <summary>Agents `up` starts unless told otherwise: a handful, so the default exercises both modes.</summary>
    public const int DefaultAgents = 3;

    // Each agent is a process of its own (about 60 MiB): more belongs on more machines.
    private const int MaxAgents = 32;

    /// <summary>Where the all-in-one's agents connect unless <c>AgentLink:Url</c> says otherwise.</summary>
    public const string DefaultLinkUrl = "http://127.0.0.1:8481";

    private static async Task<int> RunAsync(string? dataDirectory, string urls, Uri? rpcUrl, int agentCount, CancellationToken cancellationToken)
    {
        var builder = ServerHost.CreateBuilder(urls);
        if (dataDirectory is not null)
        {
            builder.Configuration[DataDirectory.Key] = dataDirectory;
        }

        var data = DataDirectory.Resolve(builder.Configuration[DataDirectory.Key]);
        // Before the emulated fleet writes its state there (the server does the same, finding nothing left to change).
        if (DataDirectoryPermissions.Secure(data) is { Count: > 0 } tightened)
        {
            await Console.Error.WriteLineAsync($"sankofa up: {data} was readable by others; took group and other permissions off {tightened.Count} paths.");
        }

        await using var fleet = await EmulatedFleet.StartAsync(data, SiteCatalog.Default, cancellationToken);
        fleet.Configure(builder.Configuration);

        if (rpcUrl is not null)
        {
            builder.Configuration["Ledger:RpcUrl"] = rpcUrl.ToString();
        }

        if (agentCount > 0 && string.IsNullOrEmpty(builder.Configuration["AgentLink:Url"]))
        {
            builder.Configuration["AgentLink:Url"] = DefaultLinkUrl;
        }

        await using var app = await ServerHost.StartAsync(builder, "sankofa up", cancellationToken);
        if (app is null)
        {
            return 1;
        }

        var ledger = await app.Services.GetRequiredService<ILedgerStatus>().GetStatusAsync(cancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [urls];
        var baseUrl = addresses.First().TrimEnd('/');
        // Third parties verify through the server's read-only endpoint; an external chain may also be read directly.
        var chainLine = ledger.Embedded
            ? $"{baseUrl}/chain/rpc (read-only; chain id {ledger.ChainId}, embedded anvil, AuditAnchor {ledger.AuditAnchorAddress})"
            : $"{ledger.RpcUrl} (chain id {ledger.ChainId}, external, AuditAnchor {ledger.AuditAnchorAddress}); read-only also at {baseUrl}/chain/rpc";
        await using var agents = agentCount == 0
            ? null
            : await UpAgents.StartAsync(app.Services, fleet.Emulator, data, new Uri(baseUrl + "/"), new Uri(builder.Configuration["AgentLink:Url"]!), agentCount, cancellationToken);
        var agentLine = agents is null
            ? string.Empty
            : $"\n  Agents     {string.Join(", ", agents.Sites)}: a site agent each, in its own process ({data}/agents/<site>, log agent.log there); link {builder.Configuration["AgentLink:Url"]}";
        var admin = app.Services.GetRequiredService<InitialAdminPassword>();
        var adminLine = admin.Password is { } oneTime
            ? $"\n  Admin      user '{admin.UserName}', one-time password {oneTime} (change it at first sign-in; also in {admin.FilePath})"
            : string.Empty;
        Console.WriteLine($"""
            Sankofa is up.
              Portal     {baseUrl}/ (sign in as admin; the CLI: sankofa login)
              API        {baseUrl}/api/v1
              OpenAPI    {baseUrl}/openapi/v1.json
              Health     {baseUrl}/readyz
              Metrics    {baseUrl}/metrics
              Chain      {chainLine}
              Sites      {fleet.Emulator.Clusters.Count} emulated Proxmox VE clusters at {fleet.Emulator.Address}clusters/<site>/api2/json{agentLine}
              Data       {data}{adminLine}
            Press Ctrl-C to stop.
            """);
        // Ctrl-C cancels the token (or SIGTERM stops the host); either way the host stops every service, anvil included.
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
