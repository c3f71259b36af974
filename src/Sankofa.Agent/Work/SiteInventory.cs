using Sankofa.Agent.Protocol;
using Sankofa.Core.Provisioning;

namespace Sankofa.Agent.Work;

/// <summary>What the site has and runs, read from its hypervisor for the control plane's placement and drift checks.</summary>
public sealed class SiteInventory(IVirtualMachineProvider hypervisor, TimeProvider time)
{
    /// <summary>The nodes and the VMs carrying a resource id; when the hypervisor does not answer, says so and why.</summary>
    public async Task<Inventory> TakeAsync(CancellationToken cancellationToken)
    {
        var inventory = new Inventory { TakenAtUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds() };
        try
        {
            var nodes = await hypervisor.ListNodesAsync(cancellationToken).ConfigureAwait(false);
            var vms = await hypervisor.ListManagedAsync(cancellationToken).ConfigureAwait(false);
            inventory.HypervisorReachable = true;
            inventory.Nodes.AddRange(nodes.Select(n => new NodeReport
            {
                Name = n.Name, Online = n.Online, Cpus = n.Cores ?? 0, MemoryBytes = n.MemoryBytes ?? 0, MemoryUsedBytes = n.MemoryUsedBytes ?? 0,
            }));
            inventory.Vms.AddRange(vms.Select(vm => new VmReport
            {
                ResourceId = vm.ResourceId ?? string.Empty, Node = vm.Ref.Node, VmId = vm.Ref.VmId, Status = vm.PowerState.ToString().ToLowerInvariant(), Name = vm.Name ?? string.Empty,
            }));
        }
        catch (Exception ex) when (ex is ProvisioningException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            inventory.HypervisorReachable = false;
            inventory.Error = ex.Message;
        }

        return inventory;
    }
}
