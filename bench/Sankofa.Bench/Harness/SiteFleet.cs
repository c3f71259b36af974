using System.Globalization;
using Sankofa.Core.Topology;
using Sankofa.Proxmox.Emulator;

namespace Sankofa.Bench.Harness;

/// <summary>
/// The emulated sites as <c>sankofa up</c> builds them (src/Sankofa.Cli/Up/EmulatedFleet.cs): one Proxmox VE emulator
/// cluster per site of the default catalog, all 325 (or the first <c>sites</c> of them), nodes named after the
/// catalog's hosts, template 9000 on the first node; with the given task duration for every emulated task.
/// </summary>
internal sealed class SiteFleet : IAsyncDisposable
{
    private SiteFleet(ProxmoxEmulator emulator, IReadOnlyList<string> sites)
    {
        Emulator = emulator;
        Sites = sites;
    }

    public ProxmoxEmulator Emulator { get; }

    public IReadOnlyList<string> Sites { get; }

    public static async Task<SiteFleet> StartAsync(int sites, TimeSpan taskDuration)
    {
        var options = new ProxmoxEmulatorOptions { TaskDurations = EmulatedTaskDurations.All(taskDuration) };
        var chosen = SiteCatalog.Default.Sites.Take(sites).ToList();
        foreach (var site in chosen)
        {
            options.Clusters.Add(EmulatedSites.ClusterFor(site));
        }

        return new SiteFleet(await ProxmoxEmulator.StartAsync(options).ConfigureAwait(false), [.. chosen.Select(s => s.Id)]);
    }

    /// <summary>Server settings pointing the Proxmox client at every cluster, plus fast reconciler polling.</summary>
    public Dictionary<string, string?> ServerSettings(int concurrency, TimeSpan taskPollInterval)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Provisioning:PollInterval"] = "00:00:00.100",
            ["Provisioning:MinRetryDelay"] = "00:00:00.200",
            ["Provisioning:MaxRetryDelay"] = "00:00:02",
            ["Provisioning:Concurrency"] = concurrency.ToString(CultureInfo.InvariantCulture),
            ["Provisioning:ShutdownTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in Emulator.ClientSettings(taskPollInterval, taskTimeout: TimeSpan.FromMinutes(2)))
        {
            settings[key] = value;
        }

        return settings;
    }

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}
