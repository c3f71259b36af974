using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Cli.Agent;
using Sankofa.Cli.Sites;
using Sankofa.Cli.Vm;
using Sankofa.Core.Provisioning;
using Sankofa.Proxmox.Emulator;
using Sankofa.Server.Provisioning;
using Sankofa.Server.AgentLink;
using Sankofa.Server.Tests.Infrastructure;
using Sankofa.Server.Tests.Provisioning;

namespace Sankofa.Cli.Tests.Agents;

/// <summary>
/// A site in agent mode end to end: `sankofa agent run` as the site's own process drives its emulated Proxmox VE for
/// the control plane, which only queues work. The agent is killed in the middle of a clone and the server is
/// restarted under load; every VM ends Verified (the site's own key attested it on chain) with exactly one VM on the
/// hypervisor, and a site without an agent stays in direct mode beside it.
/// </summary>
[Collection(nameof(AgentWorkJourneyTests))]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AgentWorkJourneyTests : IAsyncLifetime
{
    private const string AgentSite = "edge-001";
    private const string DirectSite = "edge-002";
    private readonly string agentDirectory = Path.Combine(Directory.CreateTempSubdirectory("sankofa-cli-agent-work-").FullName, "agent");
    private ProvisioningHarness h = null!;
    private Uri link = null!;

    public async Task InitializeAsync()
    {
        // Fixed ports: a restarted server must be where the agent keeps dialling.
        link = new Uri($"http://127.0.0.1:{FreePort()}");
        h = await ProvisioningHarness.StartAsync(new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{FreePort()}",
            ["AgentLink:Url"] = link.ToString(),
            ["AgentLink:HeartbeatInterval"] = "00:00:01",
        });
        await CliConfig.SignInAsAdministratorAsync(h.Server.Address);
    }

    public async Task DisposeAsync()
    {
        await h.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(agentDirectory)!, recursive: true);
    }

    [Fact]
    public async Task An_agent_site_provisions_through_its_own_process_survives_the_agent_killed_mid_clone_and_a_server_restart_and_deletes()
    {
        var clientId = await BringUpAgentAsync();
        var agent = StartAgent(clientId);
        try
        {
            await WaitLinkedAsync(agent);
            var project = await h.NewProjectAsync();

            // Killed in the middle of a slow clone: the VM the first run began is found by its resource id and carried on.
            h.Emulator.Cluster(AgentSite).SetTaskDuration("qmclone", TimeSpan.FromSeconds(3));
            var first = await h.CreateAsync(ProvisioningHarness.Vm(project, AgentSite, "through-agent"));
            await Until(() => h.VmsOf(AgentSite, first.Id).Count > 0, "the agent never began the clone", agent);
            agent.Process.Kill(entireProcessTree: true);
            await agent.Process.WaitForExitAsync();
            Assert.NotEqual(ResourceStatus.Verified, (await h.GetAsync(first.Id)).Status);
            h.Emulator.Cluster(AgentSite).SetTaskDuration("qmclone", TimeSpan.FromMilliseconds(100));
            agent = StartAgent(clientId);

            var verified = await h.WaitForAsync(first.Id, ResourceStatus.Verified, TimeSpan.FromSeconds(120));
            Assert.Single(h.VmsOf(AgentSite, first.Id));
            Assert.True(verified.OnChain!.Verified);
            Assert.Contains(verified.Events!, e => e.Kind == "agent.dispatched");
            Assert.Contains(verified.Events!, e => e.Kind.StartsWith("agent.", StringComparison.Ordinal) && e.Kind != "agent.dispatched");
            Assert.DoesNotContain(verified.Events!, e => e.Kind == "vm.provisioning"); // the control plane never drove the site
            // The order came with the control plane's proof of the chain, and the agent's light client found it good.
            Assert.Contains(verified.Events!, e => e.Message.Contains("proof sent with the order", StringComparison.Ordinal));

            // Restarted under load: agent and direct sites side by side, nothing lost or done twice.
            var load = new List<ResourceResponse>();
            for (var i = 0; i < 4; i++)
            {
                load.Add(await h.CreateAsync(ProvisioningHarness.Vm(project, i % 2 == 0 ? AgentSite : DirectSite, $"load-{i}", vcpu: 1)));
            }

            await Until(() => h.VmsOf(AgentSite, load[0].Id).Count > 0, "no work reached the agent before the restart", agent);
            var address = h.Server.Address;
            await h.StopServerAsync();
            await h.StartServerAsync();
            Assert.Equal(address, h.Server.Address);
            foreach (var resource in load)
            {
                var done = await h.WaitForAsync(resource.Id, ResourceStatus.Verified, TimeSpan.FromSeconds(120));
                var vms = h.VmsOf(resource.Placement.SiteId, resource.Id);
                Assert.True(vms.Count == 1, $"{resource.Id} has VMs {string.Join(", ", vms)}; events: {string.Join(" | ", done.Events!.Select(e => e.Kind + ": " + e.Message))}; the agent said: {agent.Said()}");
                Assert.True(done.OnChain!.Verified);
            }

            // Resized through the agent with `sankofa vm resize`: the same VM, changed and restarted by the site's own
            // process once its light client found the new spec on chain, attested again with the site's key.
            var vmId = Assert.Single(h.VmsOf(AgentSite, first.Id));
            Assert.Equal(VmCommand.Ok, await RunAsync("vm", "resize", first.Id, "--vcpu", "3", "--ram", "3072", "--timeout", "00:02:00"));
            var resized = await h.GetAsync(first.Id);
            Assert.Equal((ResourceStatus.Verified, 3), (resized.Status, resized.Spec.Vcpu));
            Assert.True(resized.OnChain!.Verified);
            Assert.Equal(resized.SpecHash, resized.OnChain.SiteAttestation);
            Assert.Equal(vmId, Assert.Single(h.VmsOf(AgentSite, first.Id)));
            Assert.Equal(("3", "3072"), (h.Emulator.Cluster(AgentSite).ConfigValue(vmId, "cores"), h.Emulator.Cluster(AgentSite).ConfigValue(vmId, "memory")));
            Assert.True(h.Emulator.Cluster(AgentSite).IsRunning(vmId));
            var afterResize = resized.Events!.SkipWhile(e => e.Kind != "chain.resized").ToList();
            Assert.Contains(afterResize, e => e.Kind == "agent.dispatched");
            Assert.Contains(afterResize, e => e.Message.Contains("down to change its CPU and memory", StringComparison.Ordinal));
            Assert.DoesNotContain(afterResize, e => e.Kind == "vm.stopping"); // the site's agent did it, not the control plane

            // Deleted through the agent too.
            using (var deleting = await h.Client.DeleteAsync($"api/v1/resources/{first.Id}"))
            {
                Assert.Equal(HttpStatusCode.Accepted, deleting.StatusCode);
            }

            await h.WaitForAsync(first.Id, ResourceStatus.Deleted, TimeSpan.FromSeconds(60));
            Assert.Empty(h.VmsOf(AgentSite, first.Id));
        }
        finally
        {
            await agent.StopAsync();
        }
    }

    private async Task<string> BringUpAgentAsync()
    {
        Assert.Equal(AgentCommand.Ok, await RunAsync("agent", "init", "--site", AgentSite, "--data-dir", agentDirectory));
        Assert.Equal(SiteAgentsCommand.Ok, await RunAsync("sites", "agents", "register", "--file", Path.Combine(agentDirectory, "registration.json")));
        Assert.Equal(SiteAgentsCommand.Ok, await RunAsync("sites", "agents", "approve", AgentSite));
        var (id, secret) = await ServiceAccounts.CreateClientAsync(h.Client, "site-agent@" + AgentSite);
        await File.WriteAllTextAsync(Path.Combine(agentDirectory, AgentCommand.SecretFileName), secret);
        File.SetUnixFileMode(Path.Combine(agentDirectory, AgentCommand.SecretFileName), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // agent.json as the site's operator writes it: its own cluster, and the chain through the control plane from its head.
        var rpc = new Uri(h.Server.Address, "chain/rpc");
        using var http = new HttpClient();
        using var answer = await http.PostAsJsonAsync(rpc, new { jsonrpc = "2.0", id = 1, method = "eth_getBlockByNumber", @params = new object[] { "latest", false } });
        var head = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
        var prefix = $"Proxmox:Clusters:{AgentSite}:";
        var proxmox = h.Emulator.ClientSettings(taskPollInterval: TimeSpan.FromMilliseconds(25), taskTimeout: TimeSpan.FromSeconds(30))
            .Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(s => s.Key[prefix.Length..], s => s.Value);
        var settings = new
        {
            Agent = new
            {
                Proxmox = proxmox,
                ReportInterval = "00:00:02",
                Chain = new
                {
                    RpcUrl = rpc,
                    CheckpointNumber = long.Parse(head.GetProperty("number").GetString()![2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    CheckpointHash = head.GetProperty("hash").GetString(),
                },
            },
        };
        await File.WriteAllTextAsync(Path.Combine(agentDirectory, "agent.json"), JsonSerializer.Serialize(settings));
        return id;
    }

    private AgentProcess StartAgent(string clientId)
    {
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "sankofa.dll"),
                     "agent", "run", "--data-dir", agentDirectory, "--client-id", clientId, "--link", link.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        return new AgentProcess(Process.Start(start)!);
    }

    private async Task WaitLinkedAsync(AgentProcess agent) =>
        await Until(() => h.Server.Services.GetRequiredService<ConnectedAgents>().Find(AgentSite) is not null, "the agent never linked", agent);

    private static async Task Until(Func<bool> condition, string failure, AgentProcess agent)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline && !agent.Process.HasExited, $"{failure}; the agent said: {agent.Said()}");
            await Task.Delay(50);
        }
    }

    private async Task<int> RunAsync(params string[] args)
    {
        var error = new StringWriter();
        var exit = await SankofaCommand.Create().Parse([.. args, "--server", h.Server.Address.ToString()])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.True(exit == 0, error.ToString());
        return exit;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The agent's process, its output read as it comes (a full pipe would stall it; what it said explains a failure).</summary>
    private sealed class AgentProcess
    {
        private readonly System.Text.StringBuilder said = new();

        public AgentProcess(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Said()
        {
            lock (said)
            {
                return said.ToString();
            }
        }

        public async Task StopAsync()
        {
            if (!Process.HasExited)
            {
                Process.Start("kill", ["-INT", Process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
                if (!Process.WaitForExit(TimeSpan.FromSeconds(30)))
                {
                    Process.Kill(entireProcessTree: true);
                }
            }

            await Process.WaitForExitAsync();
            Process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (said)
                {
                    said.AppendLine(line);
                }
            }
        }
    }
}
