using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Sankofa.Cli.Agent;
using Sankofa.Cli.Sites;
using Sankofa.Proxmox.Emulator;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Cli.Tests.Agents;

/// <summary>
/// A site's agent brought up as its operator and a platform administrator do with the CLI (`agent init`, `sites agents
/// register`, `sites agents approve`, a service account holding site-agent@SITE, and agent.json naming the site's own
/// emulated cluster and the chain through the control plane from its head), run as its own `sankofa agent run` process.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class SiteAgentSetup : IDisposable
{
    private readonly string directory;

    private SiteAgentSetup(string site, string directory, string clientId) => (Site, this.directory, ClientId) = (site, directory, clientId);

    public string Site { get; }

    /// <summary>The agent's service account.</summary>
    public string ClientId { get; }

    /// <summary>Registers and approves a new key for <paramref name="site"/> and writes the agent's directory; the CLI must be signed in to the harness's server.</summary>
    /// <param name="h">The server and emulator.</param>
    /// <param name="site">The site the agent serves.</param>
    /// <param name="reportInterval">How often the agent reports its inventory (Agent:ReportInterval).</param>
    public static Task<SiteAgentSetup> BringUpAsync(ProvisioningHarness h, string site, TimeSpan reportInterval) =>
        BringUpAsync(h.Server.Address, h.Client, h.Emulator, site, reportInterval);

    /// <summary>The same against any server: <paramref name="administrator"/> calls it as the platform administrator.</summary>
    public static async Task<SiteAgentSetup> BringUpAsync(Uri server, HttpClient administrator, ProxmoxEmulator emulator, string site, TimeSpan reportInterval)
    {
        var directory = Path.Combine(Directory.CreateTempSubdirectory("sankofa-cli-agent-").FullName, "agent");
        Assert.Equal(AgentCommand.Ok, await RunAsync(server, "agent", "init", "--site", site, "--data-dir", directory));
        Assert.Equal(SiteAgentsCommand.Ok, await RunAsync(server, "sites", "agents", "register", "--file", Path.Combine(directory, "registration.json")));
        Assert.Equal(SiteAgentsCommand.Ok, await RunAsync(server, "sites", "agents", "approve", site));
        var (id, secret) = await ServiceAccounts.CreateClientAsync(administrator, "site-agent@" + site);
        await File.WriteAllTextAsync(Path.Combine(directory, AgentCommand.SecretFileName), secret);
        File.SetUnixFileMode(Path.Combine(directory, AgentCommand.SecretFileName), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // agent.json as the site's operator writes it: its own cluster, and the chain through the control plane from its head.
        var rpc = new Uri(server, "chain/rpc");
        using var http = new HttpClient();
        using var answer = await http.PostAsJsonAsync(rpc, new { jsonrpc = "2.0", id = 1, method = "eth_getBlockByNumber", @params = new object[] { "latest", false } });
        var head = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
        var prefix = $"Proxmox:Clusters:{site}:";
        var proxmox = emulator.ClientSettings(taskPollInterval: TimeSpan.FromMilliseconds(25), taskTimeout: TimeSpan.FromSeconds(30))
            .Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(s => s.Key[prefix.Length..], s => s.Value);
        var settings = new
        {
            Agent = new
            {
                Proxmox = proxmox,
                ReportInterval = reportInterval.ToString("c", CultureInfo.InvariantCulture),
                Chain = new
                {
                    RpcUrl = rpc,
                    CheckpointNumber = long.Parse(head.GetProperty("number").GetString()![2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    CheckpointHash = head.GetProperty("hash").GetString(),
                },
            },
        };
        await File.WriteAllTextAsync(Path.Combine(directory, "agent.json"), JsonSerializer.Serialize(settings));
        return new SiteAgentSetup(site, directory, id);
    }

    /// <summary>Starts `sankofa agent run` for the site, dialling <paramref name="link"/>.</summary>
    public AgentProcess Start(Uri link)
    {
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "sankofa.dll"),
                     "agent", "run", "--data-dir", directory, "--client-id", ClientId, "--link", link.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        return new AgentProcess(Process.Start(start)!);
    }

    /// <summary>Runs a `sankofa` command against <paramref name="server"/>, failing with what it wrote to stderr.</summary>
    public static async Task<int> RunAsync(Uri server, params string[] args)
    {
        var error = new StringWriter();
        var exit = await SankofaCommand.Create().Parse([.. args, "--server", server.ToString()])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.True(exit == 0, error.ToString());
        return exit;
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(directory)!, recursive: true);
}
