using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Cli.Agent;
using Sankofa.Cli.Sites;
using Sankofa.Server.AgentLink;
using Sankofa.Server.Tests.Infrastructure;

namespace Sankofa.Cli.Tests.Agents;

/// <summary>`sankofa agent run` as the site's own process: it links out to the control plane and listens on no port.</summary>
public sealed class AgentRunCommandTests : IAsyncLifetime
{
    private const string Site = "edge-021";
    private readonly string agentDirectory = Path.Combine(Directory.CreateTempSubdirectory("sankofa-cli-agent-run-").FullName, "agent");
    private TestServer server = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["AgentLink:Url"] = "http://127.0.0.1:0" });
        await CliConfig.SignInAsAdministratorAsync(server.Address);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(agentDirectory)!, recursive: true);
    }

    [Fact]
    public async Task An_initialised_and_approved_agent_runs_as_its_own_process_links_out_opens_no_port_and_stops_on_ctrl_c()
    {
        Assert.Equal(AgentCommand.Ok, (await RunAsync("agent", "init", "--site", Site, "--data-dir", agentDirectory)).Exit);
        Assert.Equal(SiteAgentsCommand.Ok, (await RunAsync("sites", "agents", "register", "--file", Path.Combine(agentDirectory, "registration.json"))).Exit);
        Assert.Equal(SiteAgentsCommand.Ok, (await RunAsync("sites", "agents", "approve", Site)).Exit);
        var clientId = await ServiceAccountAsync();
        await WriteSettingsAsync();

        using var agent = Process.Start(Start("agent", "run", "--data-dir", agentDirectory, "--client-id", clientId, "--server", server.Address.ToString()))!;
        // Read as it comes: a full pipe would stall the agent, and what it said explains a failure.
        var output = agent.StandardOutput.ReadToEndAsync();
        var errors = agent.StandardError.ReadToEndAsync();
        var linked = false;
        try
        {
            var agents = server.Services.GetRequiredService<ConnectedAgents>();
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!agent.HasExited && DateTime.UtcNow < deadline && !(linked = agents.Find(Site) is not null))
            {
                await Task.Delay(100);
            }

            Assert.Empty(ListeningSockets(agent.Id));

            // Linked, it marks its heartbeat file in its directory (what its container's readiness probe reads).
            while (linked && !agent.HasExited && DateTime.UtcNow < deadline && !File.Exists(Path.Combine(agentDirectory, AgentCommand.HeartbeatFileName)))
            {
                await Task.Delay(100);
            }
        }
        finally
        {
            // Ctrl+C, as an operator stops it (env --default-signal=INT lets it take the signal in a background test run).
            Process.Start("kill", ["-INT", agent.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            if (!agent.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                agent.Kill(entireProcessTree: true);
            }
        }

        Assert.True(linked, $"the agent never linked: {await output} {await errors}");
        Assert.True(File.Exists(Path.Combine(agentDirectory, AgentCommand.HeartbeatFileName)), "the linked agent never marked its heartbeat file");
        Assert.Equal(0, agent.ExitCode);
        // The registry shows when it was last seen, as `sites agents` lists it.
        var listed = JsonDocument.Parse((await RunAsync("sites", "agents", "--site", Site, "--output", "json")).Output).RootElement;
        Assert.NotEqual(JsonValueKind.Null, listed[0].GetProperty("lastSeenAt").ValueKind);
    }

    [Fact]
    public async Task Run_without_the_sites_proxmox_settings_stops_at_once_naming_the_missing_setting()
    {
        Assert.Equal(AgentCommand.Ok, (await RunAsync("agent", "init", "--site", Site, "--data-dir", agentDirectory)).Exit);
        await File.WriteAllTextAsync(Path.Combine(agentDirectory, AgentCommand.SecretFileName), "secret");

        var (exit, _, error) = await RunAsync(expectSuccess: false, "agent", "run", "--data-dir", agentDirectory, "--client-id", "any", "--link", "http://127.0.0.1:9/");

        Assert.Equal(AgentCommand.Error, exit);
        Assert.Contains("Agent:Proxmox:BaseUrl", error, StringComparison.Ordinal);
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => RunAsync(expectSuccess: true, args);

    private async Task<(int Exit, string Output, string Error)> RunAsync(bool expectSuccess, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await SankofaCommand.Create().Parse([.. args, "--server", server.Address.ToString()])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        Assert.True(!expectSuccess || exit == 0, error.ToString());
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>
    /// DIR/agent.json as an operator writes it: the site's Proxmox VE (here an address nothing answers at, so inventories
    /// say the hypervisor is unreachable) and the light client on the control plane's /chain/rpc from its latest block.
    /// </summary>
    private async Task WriteSettingsAsync()
    {
        var rpc = new Uri(server.Address, "chain/rpc");
        using var http = new HttpClient();
        using var answer = await http.PostAsJsonAsync(rpc, new { jsonrpc = "2.0", id = 1, method = "eth_getBlockByNumber", @params = new object[] { "latest", false } });
        var head = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
        var settings = new
        {
            Agent = new
            {
                Proxmox = new { BaseUrl = "http://127.0.0.1:9/", TokenId = "root@pam!sankofa", TokenSecret = "unused" },
                Chain = new
                {
                    RpcUrl = rpc,
                    CheckpointNumber = long.Parse(head.GetProperty("number").GetString()![2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    CheckpointHash = head.GetProperty("hash").GetString(),
                },
            },
        };
        await File.WriteAllTextAsync(Path.Combine(agentDirectory, "agent.json"), JsonSerializer.Serialize(settings));
    }

    /// <summary>The agent's service account, its secret written where `agent run` reads it (0600).</summary>
    private async Task<string> ServiceAccountAsync()
    {
        var (id, secret) = await ServiceAccounts.CreateClientAsync(server.Client, "site-agent@" + Site);
        var file = Path.Combine(agentDirectory, AgentCommand.SecretFileName);
        await File.WriteAllTextAsync(file, secret);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return id;
    }

    private static ProcessStartInfo Start(params string[] args)
    {
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "sankofa.dll") }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>The TCP sockets the process listens on: its socket inodes matched against the kernel's LISTEN entries.</summary>
    private static List<string> ListeningSockets(int pid)
    {
        var inodes = Directory.GetFiles($"/proc/{pid}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .Where(target => target?.StartsWith("socket:[", StringComparison.Ordinal) == true)
            .Select(target => target!["socket:[".Length..^1])
            .ToHashSet(StringComparer.Ordinal);
        return
        [
            .. new[] { "/proc/net/tcp", "/proc/net/tcp6" }
                .SelectMany(File.ReadLines)
                .Skip(1)
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length > 9 && f[3] == "0A" && inodes.Contains(f[9])) // 0A: LISTEN
                .Select(f => f[1]),
        ];
    }
}
