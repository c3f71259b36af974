using System.Diagnostics;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Agent.Registration;
using Sankofa.Core.Access;
using Sankofa.Core.Agents;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Ledger;
using Sankofa.Core.Topology;
using Sankofa.Proxmox.Emulator;

namespace Sankofa.Cli.Up;

/// <summary>
/// The all-in-one's site agents: for a few edge sites, a real agent in a process of its own, brought up as an operator
/// would (<c>sankofa agent init</c> in its own directory, registration and approval, a service account holding
/// <c>site-agent@SITE</c>, then <c>sankofa agent run</c>), driving that site's emulated cluster and reading the chain
/// through the server's <c>/chain/rpc</c>. The other sites stay in direct mode. An emulator of the sites' operators: the
/// key is made by <c>agent init</c> run here, in the agent's directory (<c>&lt;data&gt;/agents/&lt;site&gt;</c>, log
/// <c>agent.log</c> there), and after that only the agent process reads it; the server never does.
/// </summary>
internal sealed class UpAgents : IAsyncDisposable
{
    /// <summary>What `up` calls itself in the registry and the audit log.</summary>
    private const string Actor = "sankofa:up";

    private static readonly Caller Operator = new(Actor, "sankofa up", [new RoleGrant(Roles.PlatformAdmin)]);

    private readonly List<Process> processes = [];

    private UpAgents(IReadOnlyList<string> sites) => Sites = sites;

    /// <summary>The sites served by an agent process.</summary>
    public IReadOnlyList<string> Sites { get; }

    /// <summary>
    /// Brings up <paramref name="count"/> agents for the first edge sites whose key the chain does not hold yet (or holds
    /// as this data directory's agent's), each in its own process. A restarted `up` reuses their directories.
    /// </summary>
    public static async Task<UpAgents> StartAsync(
        IServiceProvider services, ProxmoxEmulator emulator, string dataDirectory, Uri server, Uri link, int count, CancellationToken cancellationToken)
    {
        var registry = services.GetRequiredService<AgentRegistry>();
        var ledger = services.GetRequiredService<IResourceLedger>();
        var chain = await services.GetRequiredService<ILedgerStatus>().GetStatusAsync(cancellationToken);
        var checkpoint = await CheckpointAsync(server, cancellationToken);
        var chosen = new List<(string Site, string Directory, string ClientId)>();
        foreach (var site in SiteCatalog.Default.OfTier(SiteTier.Edge).Select(s => s.Id))
        {
            if (chosen.Count == count)
            {
                break;
            }

            var directory = Path.Combine(dataDirectory, "agents", site);
            // The agent's address from its registration: `up` stands in for the operator, who never reads the key itself.
            var registration = Path.Combine(directory, RegistrationRequest.FileName);
            var ours = File.Exists(registration)
                ? JsonSerializer.Deserialize<RegistrationRequest>(await File.ReadAllTextAsync(registration, cancellationToken), RegistrationRequest.Json)
                : null;
            var onChain = await ledger.GetSiteKeyAsync(site, cancellationToken);
            if (onChain is not null && !string.Equals(onChain, ours?.Address, StringComparison.OrdinalIgnoreCase))
            {
                continue; // the site attests in direct mode already (an earlier `up` without agents): leave it so
            }

            var request = ours
                ?? await AgentInit.RunAsync(site, directory, _ => Task.FromResult(new ChainBinding(chain.ChainId, chain.ResourceRegistryAddress)), TimeProvider.System, cancellationToken);
            await ApproveAsync(registry, services.GetRequiredService<IAgentStore>(), request, cancellationToken);
            var clientId = await ServiceAccountAsync(services.GetRequiredService<AccountService>(), services.GetRequiredService<IServiceClientRegistry>(), site, directory, cancellationToken);
            await WriteSettingsAsync(emulator, site, directory, server, checkpoint, cancellationToken);
            chosen.Add((site, directory, clientId));
        }

        var agents = new UpAgents([.. chosen.Select(c => c.Site)]);
        foreach (var (_, directory, clientId) in chosen)
        {
            agents.processes.Add(Start(directory, clientId, link));
        }

        return agents;
    }

    private static async Task ApproveAsync(AgentRegistry registry, IAgentStore agents, RegistrationRequest request, CancellationToken cancellationToken)
    {
        var address = request.Address.ToLowerInvariant();
        if (await agents.GetAsync(request.SiteId, address, cancellationToken) is not { } agent)
        {
            var registered = await registry.RegisterAsync(Operator, Actor, request.SiteId,
                new AgentRegistration(request.SiteId, request.Address, request.AgentVersion, request.CreatedAt, request.ChainId, request.Registry, request.Signature),
                cancellationToken);
            agent = registered.Value ?? throw new InvalidOperationException($"Registering site {request.SiteId}'s agent failed: {registered.Error?.Message}");
        }

        if (agent.State == AgentState.Pending && (await registry.ApproveAsync(Operator, Actor, request.SiteId, address, cancellationToken)).Error is { } error)
        {
            throw new InvalidOperationException($"Approving site {request.SiteId}'s agent failed: {error.Message}");
        }
    }

    /// <summary>The agent's service account, made once: its id and secret are kept in the agent's directory (0600).</summary>
    private static async Task<string> ServiceAccountAsync(
        AccountService accounts, IServiceClientRegistry clients, string site, string directory, CancellationToken cancellationToken)
    {
        var idFile = Path.Combine(directory, "client-id");
        if (File.Exists(idFile) && File.Exists(Path.Combine(directory, "client-secret")))
        {
            return (await File.ReadAllTextAsync(idFile, cancellationToken)).Trim();
        }

        var created = await accounts.CreateServiceAsync(Actor, "agent-" + site, [$"{Roles.SiteAgent}@{site}"], cancellationToken);
        var account = created.Value ?? throw new InvalidOperationException($"Creating site {site}'s agent account failed: {created.Error?.Message}");
        // As the API does: the issuer hands tokens only to clients it has registered.
        await clients.RegisterAsync(account.Account.Id, account.Account.Name, account.ClientSecret!, cancellationToken);
        await WritePrivateAsync(Path.Combine(directory, "client-secret"), account.ClientSecret!, cancellationToken);
        await WritePrivateAsync(idFile, account.Account.Id, cancellationToken);
        return account.Account.Id;
    }

    /// <summary>The agent's agent.json: its site's emulated cluster, and the chain through the server, from a checkpoint `up` read from its own chain.</summary>
    private static async Task WriteSettingsAsync(ProxmoxEmulator emulator, string site, string directory, Uri server, (long Number, string Hash) checkpoint, CancellationToken cancellationToken)
    {
        var proxmox = new JsonObject();
        var prefix = $"Proxmox:Clusters:{site}:";
        foreach (var (key, value) in emulator.ClientSettings(taskPollInterval: TimeSpan.FromMilliseconds(250)).Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal)))
        {
            proxmox[key[prefix.Length..]] = value;
        }

        var settings = new JsonObject
        {
            ["Agent"] = new JsonObject
            {
                ["Proxmox"] = proxmox,
                ["Chain"] = new JsonObject { ["RpcUrl"] = new Uri(server, "chain/rpc").ToString(), ["CheckpointNumber"] = checkpoint.Number, ["CheckpointHash"] = checkpoint.Hash },
            },
        };
        await WritePrivateAsync(Path.Combine(directory, "agent.json"), settings.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
    }

    /// <summary>The chain's newest block: `up` runs the chain itself, so it is the party the checkpoint is trusted from.</summary>
    private static async Task<(long Number, string Hash)> CheckpointAsync(Uri server, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server };
        using var response = await http.PostAsJsonAsync("chain/rpc", new { jsonrpc = "2.0", id = 1, method = "eth_getBlockByNumber", @params = new object[] { "latest", false } }, cancellationToken);
        var block = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("result");
        return (Convert.ToInt64(block.GetProperty("number").GetString()![2..], 16), block.GetProperty("hash").GetString()!);
    }

    private static Process Start(string directory, string clientId, Uri link)
    {
        // The same CLI, as its own process: `dotnet sankofa.dll …` from a checkout, the executable when published.
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which program this is.");
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var argument in new[] { "agent", "run", "--data-dir", directory, "--client-id", clientId, "--link", link.ToString() })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start an agent process.");
        var log = new StreamWriter(Path.Combine(directory, "agent.log"), append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Exited += (_, _) => log.Dispose();
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The agent exited meanwhile.
            }
        }
    }

    private static async Task WritePrivateAsync(string path, string text, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(text.AsMemory(), cancellationToken);
    }

    /// <summary>Stops every agent: they hold nothing the control plane needs back (their work is queued on the server).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                // Gone already.
            }

            process.Dispose();
        }
    }
}
