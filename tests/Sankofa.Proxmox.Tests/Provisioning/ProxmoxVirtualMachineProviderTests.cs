using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sankofa.Core.Provisioning;
using Sankofa.Proxmox.Api;
using Sankofa.Proxmox.Tests.Infrastructure;

namespace Sankofa.Proxmox.Tests.Provisioning;

public sealed class ProxmoxVirtualMachineProviderTests
{
    private static CloneVirtualMachineRequest Request(string resourceId, int vmId) => new(resourceId, 9000, "pve1", vmId, "vm-" + vmId);

    [Fact]
    public async Task A_vm_goes_from_template_to_running_to_deleted_through_the_port()
    {
        var cluster = await Emulators.NewClusterAsync();
        IVirtualMachineProvider provider = Emulators.Provider(cluster);

        Assert.Null(await provider.FindByResourceIdAsync("res-1"));
        var id = await provider.AllocateIdAsync();
        var vm = await provider.CloneAsync(Request("res-1", id));
        Assert.Equal("res-1", vm.ResourceId);
        Assert.Equal(PowerState.Stopped, vm.PowerState);
        Assert.Null(vm.Lock);

        await provider.ConfigureAsync(vm.Ref, new VirtualMachineConfiguration
        {
            Cores = 2, MemoryMegabytes = 2048, DiskSizeGigabytes = 20, CloudInitUser = "ops", SshPublicKeys = ["ssh-ed25519 AAAA ops@example"], IpConfig = "ip=dhcp",
        });
        await provider.StartAsync(vm.Ref);

        var found = await provider.FindByResourceIdAsync("res-1");
        Assert.NotNull(found);
        Assert.Equal(vm.Ref, found.Ref);
        Assert.Equal(PowerState.Running, found.PowerState);
        Assert.Equal(2048, found.MemoryMegabytes);
        Assert.Equal("sankofa", cluster.ConfigValue(id, "tags"));
        Assert.Contains("size=20G", cluster.ConfigValue(id, "scsi0"), StringComparison.Ordinal);

        await provider.ShutdownAsync(vm.Ref, TimeSpan.FromSeconds(30), forceStop: false);
        Assert.Equal(PowerState.Stopped, (await provider.GetAsync(vm.Ref))!.PowerState);
        await provider.DeleteAsync(vm.Ref);

        Assert.Null(await provider.GetAsync(vm.Ref));
        Assert.Null(await provider.FindByResourceIdAsync("res-1"));
    }

    [Fact]
    public async Task Concurrent_draws_get_distinct_ids_that_all_clone_skipping_one_another_client_took()
    {
        var cluster = await Emulators.NewClusterAsync();
        IVirtualMachineProvider provider = Emulators.Provider(cluster);
        var free = await provider.AllocateIdAsync();
        // Another client clones into the id just above the free one: a draw that skips the free one must skip that too.
        await Emulators.Provider(cluster).CloneAsync(Request("other-client", free + 1));

        var ids = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => provider.AllocateIdAsync()));

        Assert.Equal(6, ids.Distinct().Count());
        Assert.DoesNotContain(free, ids); // still held for its first draw
        Assert.DoesNotContain(free + 1, ids);
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            Assert.Equal($"res-{i}", (await provider.CloneAsync(Request($"res-{i}", id))).ResourceId); // none of them conflicts
        }
    }

    [Fact]
    public async Task After_a_restart_the_vm_of_an_interrupted_clone_is_found_by_its_resource_id()
    {
        var cluster = await Emulators.NewClusterAsync();
        cluster.SetTaskDuration("qmclone", TimeSpan.FromSeconds(30));
        var before = Emulators.Provider(cluster);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        // The process "dies" while waiting for the clone.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => before.CloneAsync(Request("res-7", 100), cancel.Token));

        var after = Emulators.Provider(cluster);
        var found = await after.FindByResourceIdAsync("res-7");
        Assert.NotNull(found);
        Assert.Equal(new VirtualMachineRef("pve1", 100), found.Ref);
        Assert.Equal("clone", found.Lock);
        Assert.Single((await after.ListManagedAsync()));
    }

    [Fact]
    public async Task Retrying_a_clone_into_an_id_that_already_holds_the_resource_returns_that_vm()
    {
        var cluster = await Emulators.NewClusterAsync();
        var provider = Emulators.Provider(cluster);
        var first = await provider.CloneAsync(Request("res-2", 100));

        var second = await provider.CloneAsync(Request("res-2", 100));

        Assert.Equal(first.Ref, second.Ref);
        Assert.Equal([100, 9000], cluster.VmIds);
        var foreign = await Assert.ThrowsAsync<ProxmoxConflictException>(() => provider.CloneAsync(Request("res-3", 100)));
        Assert.Equal(ProvisioningFailure.Conflict, foreign.Failure);
    }

    [Fact]
    public async Task Lookup_refuses_to_say_not_found_while_a_node_that_may_hold_the_vm_is_gone()
    {
        var cluster = await Emulators.NewClusterAsync();
        var provider = Emulators.Provider(cluster);
        await provider.CloneAsync(Request("res-4", 100) with { TargetNode = "pve2" });
        cluster.SetNodeOnline("pve2", false);

        var fresh = Emulators.Provider(cluster);
        var error = await Assert.ThrowsAsync<ProxmoxUnavailableException>(() => fresh.FindByResourceIdAsync("res-4"));

        Assert.Equal(ProvisioningFailure.Unavailable, error.Failure);
        Assert.Equal(PowerState.Unknown, Assert.IsType<VirtualMachineInfo>(await provider.FindByResourceIdAsync("res-4")).PowerState);
    }

    [Fact]
    public async Task Start_stop_and_delete_are_idempotent()
    {
        var cluster = await Emulators.NewClusterAsync();
        var provider = Emulators.Provider(cluster);
        var vm = await provider.CloneAsync(Request("res-5", 100));

        await provider.StopAsync(vm.Ref);
        await provider.StartAsync(vm.Ref);
        await provider.StartAsync(vm.Ref);
        Assert.True(cluster.IsRunning(100));
        await provider.DeleteAsync(vm.Ref); // stops the running VM first
        await provider.DeleteAsync(vm.Ref);

        Assert.Null(cluster.IsRunning(100));
    }

    [Fact]
    public async Task A_fresh_clone_someone_else_started_meanwhile_starts_without_error()
    {
        var cluster = await Emulators.NewClusterAsync();
        var provider = Emulators.Provider(cluster);
        var vm = await provider.CloneAsync(Request("res-9", 100));
        using var operator_ = Emulators.Client(cluster);
        await operator_.WaitForTaskAsync(await operator_.StartAsync("pve1", 100));

        await provider.StartAsync(vm.Ref);

        Assert.True(cluster.IsRunning(100));
    }

    [Fact]
    public async Task A_fresh_clone_that_cannot_start_reports_why()
    {
        var cluster = await Emulators.NewClusterAsync();
        var provider = Emulators.Provider(cluster);
        var vm = await provider.CloneAsync(Request("res-10", 100));
        cluster.FailNextTasks("qmstart", "start failed: QEMU exited with code 1");

        var error = await Assert.ThrowsAsync<ProxmoxTaskFailedException>(() => provider.StartAsync(vm.Ref));

        Assert.Equal("start failed: QEMU exited with code 1", error.ExitStatus);
        Assert.False(cluster.IsRunning(100));
    }

    [Fact]
    public async Task A_fresh_clone_is_resized_from_the_template_size_to_the_requested_one()
    {
        var cluster = await Emulators.NewClusterAsync();
        var provider = Emulators.Provider(cluster);
        var vm = await provider.CloneAsync(Request("res-11", 100));

        await provider.ConfigureAsync(vm.Ref, new VirtualMachineConfiguration { DiskSizeGigabytes = 12 });

        Assert.Contains("size=12G", cluster.ConfigValue(100, "scsi0"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_of_a_guest_that_ignores_acpi_fails_unless_forced()
    {
        var cluster = await Emulators.NewClusterAsync();
        var provider = Emulators.Provider(cluster);
        var vm = await provider.CloneAsync(Request("res-6", 100));
        await provider.StartAsync(vm.Ref);
        cluster.IgnoreShutdown(100);

        var error = await Assert.ThrowsAsync<ProxmoxTaskFailedException>(() => provider.ShutdownAsync(vm.Ref, TimeSpan.FromSeconds(1), forceStop: false));
        Assert.Equal("VM quit/powerdown failed - got timeout", error.ExitStatus);
        Assert.True(cluster.IsRunning(100));

        await provider.ShutdownAsync(vm.Ref, TimeSpan.FromSeconds(1), forceStop: true);
        Assert.False(cluster.IsRunning(100));
    }

    [Fact]
    public async Task Configuring_a_smaller_disk_is_refused_and_the_same_size_is_a_no_op()
    {
        var cluster = await Emulators.NewClusterAsync();
        var provider = Emulators.Provider(cluster);
        var vm = await provider.CloneAsync(Request("res-8", 100));

        await provider.ConfigureAsync(vm.Ref, new VirtualMachineConfiguration { DiskSizeGigabytes = 8 });
        var error = await Assert.ThrowsAsync<ProvisioningException>(() => provider.ConfigureAsync(vm.Ref, new VirtualMachineConfiguration { DiskSizeGigabytes = 4 }));

        Assert.Equal(ProvisioningFailure.InvalidRequest, error.Failure);
        Assert.Contains("size=8G", cluster.ConfigValue(100, "scsi0"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_factory_builds_providers_from_configuration_and_names_bad_keys()
    {
        var cluster = await Emulators.NewClusterAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Proxmox:Clusters:edge-1:BaseUrl"] = cluster.BaseUrl.ToString(),
            ["Proxmox:Clusters:edge-1:TokenId"] = cluster.TokenId,
            ["Proxmox:Clusters:edge-1:TokenSecret"] = cluster.TokenSecret,
            ["Proxmox:Clusters:edge-1:TaskPollInterval"] = "00:00:00.025",
        }).Build();
        await using (var services = new ServiceCollection().AddLogging().AddSankofaProxmox(configuration).BuildServiceProvider())
        {
            var factory = services.GetRequiredService<IVirtualMachineProviderFactory>();
            Assert.Equal(["edge-1"], factory.ClusterIds);
            var nodes = await factory.Get("edge-1").ListNodesAsync();
            Assert.Equal(2, nodes.Count);
            Assert.Throws<KeyNotFoundException>(() => factory.Get("edge-2"));
        }

        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Proxmox:Clusters:edge-9:BaseUrl"] = cluster.BaseUrl.ToString(),
            ["Proxmox:Clusters:edge-9:TokenId"] = "no-realm",
            ["Proxmox:Clusters:edge-9:TokenSecret"] = "x",
        }).Build();
        await using var badServices = new ServiceCollection().AddLogging().AddSankofaProxmox(bad).BuildServiceProvider();
        var error = Assert.Throws<ProxmoxConfigurationException>(() => badServices.GetRequiredService<IVirtualMachineProviderFactory>());
        Assert.Equal("Proxmox:Clusters:edge-9:TokenId", error.Key);
    }
}
