using System.Text.RegularExpressions;
using Sankofa.Proxmox.Api;
using Sankofa.Proxmox.Tests.Infrastructure;

namespace Sankofa.Proxmox.Tests.Api;

public sealed partial class VirtualMachineLifecycleTests
{
    [Fact]
    public async Task Clone_configure_start_shutdown_stop_and_delete_a_vm()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster);

        var vmId = await client.GetNextIdAsync();
        Assert.Equal(100, vmId);
        var clone = await client.CloneAsync("pve1", 9000, new ProxmoxCloneOptions(vmId) { Name = "web-1", Full = true, Description = "hello" });
        Assert.Matches(UpidPattern(), clone);
        Assert.Equal("qmclone", Upid.Parse(clone).Type);
        await client.WaitForTaskAsync(clone);

        await client.UpdateConfigAsync("pve1", vmId, new ProxmoxConfigChange
        {
            Cores = 4,
            MemoryMegabytes = 4096,
            CloudInitUser = "ops",
            SshKeys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB+x/y= ops@example", "ssh-rsa AAAAB3Nza== second@example"],
            IpConfig0 = "ip=10.20.0.5/24,gw=10.20.0.1",
            Tags = ["sankofa", "edge"],
        });
        var background = await client.UpdateConfigInBackgroundAsync("pve1", vmId, new ProxmoxConfigChange { Name = "web-1-renamed" });
        Assert.NotNull(background);
        await client.WaitForTaskAsync(background);
        var resize = await client.ResizeDiskAsync("pve1", vmId, "scsi0", "32G");
        Assert.NotNull(resize);
        await client.WaitForTaskAsync(resize);

        var config = await client.GetConfigAsync("pve1", vmId);
        Assert.Equal("4", config["cores"]);
        Assert.Equal("4096", config["memory"]);
        Assert.Equal("ops", config["ciuser"]);
        Assert.Equal("ip=10.20.0.5/24,gw=10.20.0.1", config["ipconfig0"]);
        Assert.Equal("sankofa;edge", config["tags"]);
        Assert.Equal("web-1-renamed", config["name"]);
        Assert.Contains("size=32G", config["scsi0"], StringComparison.Ordinal);
        // Proxmox stores sshkeys percent-encoded; decoded it is the keys, one per line.
        Assert.Equal("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB+x/y= ops@example\nssh-rsa AAAAB3Nza== second@example\n", Uri.UnescapeDataString(config["sshkeys"]));

        await client.WaitForTaskAsync(await client.StartAsync("pve1", vmId));
        var running = await client.GetVmStatusAsync("pve1", vmId);
        Assert.Equal("running", running.Status);
        Assert.Equal(4096L << 20, running.MaxMemory);

        await client.WaitForTaskAsync(await client.ShutdownAsync("pve1", vmId, timeoutSeconds: 30));
        Assert.Equal("stopped", (await client.GetVmStatusAsync("pve1", vmId)).Status);

        await client.WaitForTaskAsync(await client.StartAsync("pve1", vmId));
        await client.WaitForTaskAsync(await client.StopAsync("pve1", vmId));
        Assert.Equal("stopped", (await client.GetVmStatusAsync("pve1", vmId)).Status);

        await client.WaitForTaskAsync(await client.DeleteAsync("pve1", vmId));
        await Assert.ThrowsAsync<ProxmoxNotFoundException>(() => client.GetVmStatusAsync("pve1", vmId));
        Assert.Equal(100, await client.GetNextIdAsync());
    }

    [Fact]
    public async Task Nodes_and_cluster_resources_report_capacity_and_vms()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster);

        var nodes = await client.GetNodesAsync();
        Assert.Equal(["pve1", "pve2"], nodes.Select(n => n.Node).Order());
        Assert.All(nodes, n => Assert.Equal("online", n.Status));
        Assert.Equal(16L << 30, nodes[0].MaxMemory);
        var status = await client.GetNodeStatusAsync("pve2");
        Assert.Equal(16L << 30, status.GetProperty("memory").GetProperty("total").GetInt64());

        var resources = await client.GetVmResourcesAsync();
        var template = Assert.Single(resources);
        Assert.True(template.IsTemplate);
        Assert.Equal("debian-12-cloud", template.Name);
    }

    [Fact]
    public async Task Clone_to_another_node_puts_the_vm_there()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster);

        await client.WaitForTaskAsync(await client.CloneAsync("pve1", 9000, new ProxmoxCloneOptions(120) { Name = "db-1", Target = "pve2" }));

        Assert.Equal("stopped", (await client.GetVmStatusAsync("pve2", 120)).Status);
        await Assert.ThrowsAsync<ProxmoxNotFoundException>(() => client.GetVmStatusAsync("pve1", 120));
    }

    [GeneratedRegex("^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmclone:9000:root@pam!sankofa:$")]
    private static partial Regex UpidPattern();
}
