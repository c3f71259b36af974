using Sankofa.Proxmox.Api;
using Sankofa.Proxmox.Emulator;
using Sankofa.Proxmox.Tests.Infrastructure;

namespace Sankofa.Proxmox.Tests.Emulator;

public sealed class EmulatorStateTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sankofa-pve-state-" + Guid.NewGuid().ToString("N"));

    private ProxmoxEmulatorOptions Options()
    {
        var options = new ProxmoxEmulatorOptions { StateDirectory = _directory, TaskDurations = EmulatedTaskDurations.All(TimeSpan.FromMilliseconds(50)) };
        options.Clusters.Add(new EmulatedClusterOptions { Id = "edge-001", TokenSecret = "secret" });
        return options;
    }

    [Fact]
    public async Task A_restarted_emulator_has_the_vms_the_previous_run_created()
    {
        await using (var first = await ProxmoxEmulator.StartAsync(Options()))
        {
            using var client = Emulators.Client(first.Cluster("edge-001"));
            await client.WaitForTaskAsync(await client.CloneAsync("pve", 9000, new ProxmoxCloneOptions(100) { Name = "kept", Description = "sankofa-resource-id: r-1" }));
            await client.UpdateConfigAsync("pve", 100, new ProxmoxConfigChange { Cores = 3 });
            await client.WaitForTaskAsync(await client.StartAsync("pve", 100));
        }

        await using var second = await ProxmoxEmulator.StartAsync(Options());
        using var again = Emulators.Client(second.Cluster("edge-001"));

        var config = await again.GetConfigAsync("pve", 100);
        Assert.Equal("3", config["cores"]);
        Assert.Equal("sankofa-resource-id: r-1", config["description"]);
        Assert.Equal("running", (await again.GetVmStatusAsync("pve", 100)).Status);
        Assert.Equal(101, await again.GetNextIdAsync());
        Assert.True((await again.GetVmResourcesAsync()).Single(v => v.VmId == 9000).IsTemplate);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
