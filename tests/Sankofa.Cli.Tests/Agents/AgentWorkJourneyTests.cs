using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
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
    private ProvisioningHarness h = null!;
    private SiteAgentSetup? site;
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
        site?.Dispose();
    }

    [Fact]
    public async Task An_agent_site_provisions_through_its_own_process_survives_the_agent_killed_mid_clone_and_a_server_restart_and_deletes()
    {
        site = await SiteAgentSetup.BringUpAsync(h, AgentSite, TimeSpan.FromSeconds(2));
        var agent = site.Start(link);
        try
        {
            await WaitLinkedAsync(agent);
            var project = await h.NewProjectAsync();

            // Killed in the middle of a slow clone: the VM the first run began is found by its resource id and carried on.
            h.Emulator.Cluster(AgentSite).SetTaskDuration("qmclone", TimeSpan.FromSeconds(3));
            var first = await h.CreateAsync(ProvisioningHarness.Vm(project, AgentSite, "through-agent"));
            await agent.UntilAsync(() => h.VmsOf(AgentSite, first.Id).Count > 0, "the agent never began the clone");
            agent.Process.Kill(entireProcessTree: true);
            await agent.Process.WaitForExitAsync();
            Assert.NotEqual(ResourceStatus.Verified, (await h.GetAsync(first.Id)).Status);
            h.Emulator.Cluster(AgentSite).SetTaskDuration("qmclone", TimeSpan.FromMilliseconds(100));
            agent = site.Start(link);

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

            await agent.UntilAsync(() => h.VmsOf(AgentSite, load[0].Id).Count > 0, "no work reached the agent before the restart");
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
            Assert.Equal(VmCommand.Ok, await SiteAgentSetup.RunAsync(h.Server.Address, "vm", "resize", first.Id, "--vcpu", "3", "--ram", "3072", "--timeout", "00:02:00"));
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

    private async Task WaitLinkedAsync(AgentProcess agent) =>
        await agent.UntilAsync(() => h.Server.Services.GetRequiredService<ConnectedAgents>().Find(AgentSite) is not null, "the agent never linked");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
