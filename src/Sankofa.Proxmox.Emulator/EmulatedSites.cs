using System.Globalization;
using Sankofa.Core.Topology;

namespace Sankofa.Proxmox.Emulator;

/// <summary>
/// Emulated clusters shaped like catalog sites, and the client settings that point Sankofa at them: one shape for
/// <c>sankofa up</c>, the tests and the benchmarks, so they all drive the same fleet.
/// </summary>
public static class EmulatedSites
{
    /// <summary>VM id of the template every emulated site carries.</summary>
    public const int TemplateVmId = 9000;

    /// <summary>Name of that template (Sankofa's default template).</summary>
    public const string TemplateName = "debian-12-cloud";

    /// <summary>A cluster for <paramref name="site"/>: one node per host, named and sized like it, the template on the first.</summary>
    public static EmulatedClusterOptions ClusterFor(Site site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var cluster = new EmulatedClusterOptions { Id = site.Id };
        cluster.Nodes.Clear();
        foreach (var host in site.Hosts)
        {
            cluster.Nodes.Add(new EmulatedNodeOptions { Name = host.Id, Cores = host.Capacity.VCpu, MemoryBytes = host.Capacity.RamMiB << 20 });
        }

        // Proxmox clones across the nodes of a cluster, so one copy of the template serves the whole site.
        cluster.Templates.Clear();
        cluster.Templates.Add(new EmulatedTemplateOptions { VmId = TemplateVmId, Name = TemplateName, Node = site.Hosts[0].Id });
        return cluster;
    }

    /// <summary>The <c>Proxmox:Clusters:{id}:…</c> settings that point Sankofa's Proxmox client at every emulated cluster.</summary>
    public static Dictionary<string, string?> ClientSettings(this ProxmoxEmulator emulator, TimeSpan taskPollInterval, TimeSpan? taskTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        var settings = new Dictionary<string, string?>();
        foreach (var cluster in emulator.Clusters.Values)
        {
            var prefix = $"Proxmox:Clusters:{cluster.Id}:";
            settings[prefix + "BaseUrl"] = cluster.BaseUrl.ToString();
            settings[prefix + "TokenId"] = cluster.TokenId;
            settings[prefix + "TokenSecret"] = cluster.TokenSecret;
            settings[prefix + "TaskPollInterval"] = taskPollInterval.ToString("c", CultureInfo.InvariantCulture);
            if (taskTimeout is { } timeout)
            {
                settings[prefix + "TaskTimeout"] = timeout.ToString("c", CultureInfo.InvariantCulture);
            }
        }

        return settings;
    }
}
