using Sankofa.Core.Provisioning;
using Sankofa.Proxmox.Api;
using Sankofa.Proxmox.Tests.Infrastructure;

namespace Sankofa.Proxmox.Tests.Schema;

/// <summary>
/// Every request any test client sends passes through <see cref="SchemaConformance"/>, which checks it against the
/// official schema file and fails the sending test if it does not conform. This test drives every operation of the
/// client and the provider and asserts each endpoint was reached with a conforming request.
/// </summary>
public sealed class ClientRequestConformanceTests
{
    [Fact]
    public async Task Every_operation_of_client_and_provider_sends_requests_valid_against_the_official_schema()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster, Emulators.TicketOptions(cluster));
        IVirtualMachineProvider provider = Emulators.Provider(cluster);

        await client.GetVersionAsync();
        await client.GetNodeStatusAsync("pve1");
        var vm = await provider.CloneAsync(new CloneVirtualMachineRequest("conf-1", 9000, "pve1", await provider.AllocateIdAsync(), "conf-1") { Storage = "local-lvm" });
        await provider.ConfigureAsync(vm.Ref, new VirtualMachineConfiguration
        {
            Cores = 2, MemoryMegabytes = 1024, DiskSizeGigabytes = 10, CloudInitUser = "ops",
            SshPublicKeys = ["ssh-ed25519 AAAAC3Nza+/= a@b", "ssh-rsa AAAA c@d"], IpConfig = "ip=10.0.0.5/24,gw=10.0.0.1",
        });
        await client.WaitForTaskAsync((await client.UpdateConfigInBackgroundAsync(vm.Ref.Node, vm.Ref.VmId, new ProxmoxConfigChange { Description = "x", Delete = ["ciuser"] }))!);
        await provider.StartAsync(vm.Ref);
        await provider.ShutdownAsync(vm.Ref, TimeSpan.FromSeconds(5), forceStop: true);
        await provider.StartAsync(vm.Ref);
        await provider.StopAsync(vm.Ref);
        await provider.ListNodesAsync();
        await provider.FindByResourceIdAsync("conf-1");
        await provider.DeleteAsync(vm.Ref);

        Assert.Empty(SchemaConformance.Violations);
        string[] expected =
        [
            "POST /access/ticket", "GET /version", "GET /cluster/nextid", "GET /cluster/resources", "GET /nodes", "GET /nodes/{node}/status",
            "POST /nodes/{node}/qemu/{vmid}/clone", "GET /nodes/{node}/qemu/{vmid}/config", "PUT /nodes/{node}/qemu/{vmid}/config",
            "POST /nodes/{node}/qemu/{vmid}/config", "PUT /nodes/{node}/qemu/{vmid}/resize", "GET /nodes/{node}/qemu/{vmid}/status/current",
            "POST /nodes/{node}/qemu/{vmid}/status/start", "POST /nodes/{node}/qemu/{vmid}/status/shutdown",
            "POST /nodes/{node}/qemu/{vmid}/status/stop", "DELETE /nodes/{node}/qemu/{vmid}", "GET /nodes/{node}/tasks/{upid}/status",
        ];
        Assert.All(expected, e => Assert.True(SchemaConformance.Seen.ContainsKey(e), $"no conforming request seen for {e}"));
    }
}
