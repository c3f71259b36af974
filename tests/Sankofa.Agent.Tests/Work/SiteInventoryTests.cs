using Sankofa.Agent.Protocol;
using Sankofa.Agent.Tests.LightClient;
using Sankofa.Agent.Work;
using Sankofa.Core.Provisioning;

namespace Sankofa.Agent.Tests.Work;

/// <summary>What the agent reports of its site: the nodes and the VMs carrying a resource id, or that the hypervisor does not answer.</summary>
public sealed class SiteInventoryTests(RegistryChain chain) : IClassFixture<RegistryChain>
{
    [Fact]
    public async Task The_inventory_lists_the_sites_nodes_and_the_vms_carrying_a_resource_id()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        var spec = new ResourceSpec(1, 1024, 8, "debian-12-cloud", [], null);
        await site.RequestAndPlaceAsync(resource, spec);
        var order = new WorkOrder
        {
            WorkId = "w-1", ResourceId = resource, Kind = WorkKind.Provision, TemplateVmId = 9000,
            Spec = new VmSpec { Vcpu = 1, RamMib = 1024, DiskGib = 8, Template = "debian-12-cloud" },
        };
        Assert.Equal(WorkOutcome.Done, (await site.Runner.RunAsync(order, _ => { }, CancellationToken.None))!.Outcome);

        var inventory = await new SiteInventory(site.Proxmox.Provider, TimeProvider.System).TakeAsync(CancellationToken.None);

        Assert.True(inventory.HypervisorReachable);
        Assert.Equal("pve", Assert.Single(inventory.Nodes).Name);
        var vm = Assert.Single(inventory.Vms);
        Assert.Equal((resource, "pve", site.Vms[0], "running"), (vm.ResourceId, vm.Node, vm.VmId, vm.Status));
    }

    [Fact]
    public async Task A_hypervisor_that_does_not_answer_is_reported_unreachable_with_the_reason()
    {
        using var site = await AgentSite.StartAsync(chain);
        site.Cluster.Reachable = false;

        var inventory = await new SiteInventory(site.Proxmox.Provider, TimeProvider.System).TakeAsync(CancellationToken.None);

        Assert.False(inventory.HypervisorReachable);
        Assert.NotEmpty(inventory.Error);
        Assert.Empty(inventory.Nodes);
    }
}
