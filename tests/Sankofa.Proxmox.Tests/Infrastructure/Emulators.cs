using Sankofa.Proxmox.Api;
using Sankofa.Proxmox.Emulator;
using Sankofa.Proxmox.Provisioning;

namespace Sankofa.Proxmox.Tests.Infrastructure;

/// <summary>
/// One emulator for the whole test run (it is cheap, but starting Kestrel per test is not); every test takes a cluster
/// of its own, so tests run in parallel without seeing each other's VMs.
/// </summary>
public static class Emulators
{
    private static readonly Lazy<Task<ProxmoxEmulator>> Shared = new(() => ProxmoxEmulator.StartAsync(new ProxmoxEmulatorOptions
    {
        TaskDurations = EmulatedTaskDurations.All(TimeSpan.FromMilliseconds(150)),
    }));

    private static int _next;

    public static Task<ProxmoxEmulator> SharedAsync() => Shared.Value;

    /// <summary>A new cluster with two nodes (pve1, pve2) and template 9000 on pve1.</summary>
    public static async Task<EmulatedCluster> NewClusterAsync(Action<EmulatedClusterOptions>? configure = null)
    {
        var emulator = await SharedAsync();
        var options = new EmulatedClusterOptions { Id = $"test-{Interlocked.Increment(ref _next)}" };
        options.Nodes.Clear();
        options.Nodes.Add(new EmulatedNodeOptions { Name = "pve1", MemoryBytes = 16L << 30 });
        options.Nodes.Add(new EmulatedNodeOptions { Name = "pve2", MemoryBytes = 16L << 30 });
        options.Templates.Clear();
        options.Templates.Add(new EmulatedTemplateOptions { VmId = 9000, Name = "debian-12-cloud", Node = "pve1" });
        configure?.Invoke(options);
        return emulator.AddCluster(options);
    }

    public static ProxmoxClusterOptions TokenOptions(EmulatedCluster cluster) => new()
    {
        BaseUrl = cluster.BaseUrl,
        TokenId = cluster.TokenId,
        TokenSecret = cluster.TokenSecret,
        TaskPollInterval = TimeSpan.FromMilliseconds(25),
        TaskTimeout = TimeSpan.FromSeconds(20),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    public static ProxmoxClusterOptions TicketOptions(EmulatedCluster cluster) => new()
    {
        BaseUrl = cluster.BaseUrl,
        Username = cluster.Username,
        Password = cluster.Password,
        TaskPollInterval = TimeSpan.FromMilliseconds(25),
        TaskTimeout = TimeSpan.FromSeconds(20),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>A client whose every request is checked against the official schema.</summary>
    public static ProxmoxClient Client(EmulatedCluster cluster, ProxmoxClusterOptions? options = null) =>
        new(cluster.Id, options ?? TokenOptions(cluster), TimeProvider.System, null, SchemaConformance.Wrap);

    internal static ProxmoxVirtualMachineProvider Provider(EmulatedCluster cluster, ProxmoxClusterOptions? options = null)
    {
        options ??= TokenOptions(cluster);
        return new ProxmoxVirtualMachineProvider(Client(cluster, options), options);
    }
}
