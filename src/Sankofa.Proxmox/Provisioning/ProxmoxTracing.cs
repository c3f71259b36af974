using System.Diagnostics;
using Sankofa.Core.Provisioning;

namespace Sankofa.Proxmox.Provisioning;

/// <summary>
/// A span per hypervisor operation (clone, configure, start, shutdown, stop, delete) around its Proxmox VE requests and
/// task polling, whose HTTP spans (the host's HttpClient instrumentation) are its children. Free without a listener.
/// </summary>
public static class ProxmoxTracing
{
    /// <summary>The <see cref="ActivitySource"/> name of Proxmox operation spans.</summary>
    public const string SourceName = "Sankofa.Proxmox";

    private static readonly ActivitySource Source = new(SourceName);

    internal static Activity? Start(string operation, string cluster, VirtualMachineRef vm)
    {
        var activity = Source.StartActivity("proxmox " + operation, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("sankofa.proxmox.cluster", cluster);
            activity.SetTag("sankofa.proxmox.node", vm.Node);
            activity.SetTag("sankofa.proxmox.vmid", vm.VmId);
        }

        return activity;
    }
}
