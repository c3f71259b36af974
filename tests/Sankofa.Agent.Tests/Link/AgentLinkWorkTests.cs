using Microsoft.Extensions.Logging.Abstractions;
using Sankofa.Agent.Keys;
using Sankofa.Agent.Link;
using Sankofa.Agent.Protocol;
using Sankofa.Agent.Tests.LightClient;
using Sankofa.Agent.Tests.Work;
using Sankofa.Agent.Work;
using Sankofa.Core.Provisioning;

namespace Sankofa.Agent.Tests.Link;

/// <summary>
/// The agent over a real link: a work order it receives runs on its hypervisor (the emulator) against the real chain, its
/// reports come back numbered, and what was not acked when the link broke is sent again, in order, after the next welcome.
/// </summary>
public sealed class AgentLinkWorkTests(RegistryChain chain) : IClassFixture<RegistryChain>
{
    [Fact]
    public async Task Reports_not_acked_when_the_link_breaks_are_sent_again_in_order_after_the_next_welcome_and_an_ack_clears_them()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        var spec = new ResourceSpec(1, 1024, 8, "debian-12-cloud", [], null);
        await site.RequestAndPlaceAsync(resource, spec);
        await using var plane = await ScriptedControlPlane.StartAsync();
        var options = new AgentLinkClientOptions { Site = site.Id, ClientId = "agent", ClientSecret = "secret", MinRetryDelay = TimeSpan.FromMilliseconds(100) };
        options.Servers.Add(plane.Address);
        var agent = new AgentLinkClient(options, SiteKeys.Fixed(site.Key), TimeProvider.System, NullLogger<AgentLinkClient>.Instance, site.Runner, new SiteInventory(site.Proxmox.Provider, TimeProvider.System));
        using var stop = new CancellationTokenSource();
        var running = agent.RunAsync(stop.Token);

        // First link: an inventory and the work's progress and result, none acked; then the control plane goes away.
        var first = await plane.NextLinkAsync();
        await first.SendAsync(new ControlMessage
        {
            Work = new WorkOrder
            {
                WorkId = "w-1", ResourceId = resource, Kind = WorkKind.Provision, TemplateVmId = 9000,
                Spec = new VmSpec { Vcpu = 1, RamMib = 1024, DiskGib = 8, Template = "debian-12-cloud" },
            },
        });
        var sentFirst = new List<AgentMessage>();
        while (sentFirst.LastOrDefault()?.Result is null)
        {
            sentFirst.Add(await first.NextReportAsync());
        }

        first.End();

        // Second link: everything again, same numbers, same order, before anything new; an ack clears the outbox.
        var second = await plane.NextLinkAsync();
        var sentAgain = new List<AgentMessage>();
        while (sentAgain.Count < sentFirst.Count)
        {
            sentAgain.Add(await second.NextReportAsync());
        }

        await second.SendAsync(new ControlMessage { Ack = new Ack { Sequence = sentAgain.Max(m => m.Sequence) } });
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (agent.Outbox.After(sentAgain[^1].Sequence).Count != agent.Outbox.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        second.End();
        await running;

        Assert.Equal(sentFirst, sentAgain);
        Assert.True(sentFirst.Select(m => m.Sequence).SequenceEqual(sentFirst.Select(m => m.Sequence).Order()), "numbered in the order made");
        Assert.Contains(sentFirst, m => m.Inventory is { HypervisorReachable: true });
        Assert.Equal(["checked", "cloning", "configuring", "starting", "attesting"], sentFirst.Where(m => m.Progress is not null).Select(m => m.Progress.Step));
        Assert.Equal(WorkOutcome.Done, sentFirst[^1].Result.Outcome);
        Assert.DoesNotContain(agent.Outbox.After(0), m => m.Sequence <= sentAgain[^1].Sequence);
        Assert.Single(site.Vms);
    }
}
