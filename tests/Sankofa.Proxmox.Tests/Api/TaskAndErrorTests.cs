using Sankofa.Core.Provisioning;
using Sankofa.Proxmox.Api;
using Sankofa.Proxmox.Tests.Infrastructure;

namespace Sankofa.Proxmox.Tests.Api;

public sealed class TaskAndErrorTests
{
    [Fact]
    public async Task Waiting_for_a_slow_task_times_out_naming_the_task()
    {
        var cluster = await Emulators.NewClusterAsync();
        cluster.SetTaskDuration("qmclone", TimeSpan.FromMinutes(5));
        using var client = Emulators.Client(cluster);
        var upid = await client.CloneAsync("pve1", 9000, new ProxmoxCloneOptions(100));

        var error = await Assert.ThrowsAsync<ProxmoxTaskTimeoutException>(() => client.WaitForTaskAsync(upid, TimeSpan.FromMilliseconds(300)));

        Assert.Equal(upid, error.Upid);
        Assert.Equal(ProvisioningFailure.TimedOut, error.Failure);
        Assert.Equal("running", (await client.GetTaskStatusAsync(upid)).Status);
    }

    [Fact]
    public async Task A_failed_clone_reports_its_exit_status_and_leaves_no_vm()
    {
        var cluster = await Emulators.NewClusterAsync();
        cluster.FailNextTasks("qmclone", "clone failed: storage 'local-lvm' is full");
        using var client = Emulators.Client(cluster);
        var upid = await client.CloneAsync("pve1", 9000, new ProxmoxCloneOptions(100));

        var error = await Assert.ThrowsAsync<ProxmoxTaskFailedException>(() => client.WaitForTaskAsync(upid));

        Assert.Equal("clone failed: storage 'local-lvm' is full", error.ExitStatus);
        Assert.Equal(ProvisioningFailure.OperationFailed, error.Failure);
        await Assert.ThrowsAsync<ProxmoxNotFoundException>(() => client.GetVmStatusAsync("pve1", 100));
    }

    [Fact]
    public async Task Changing_a_vm_while_it_is_being_cloned_is_a_lock_conflict()
    {
        var cluster = await Emulators.NewClusterAsync();
        cluster.SetTaskDuration("qmclone", TimeSpan.FromSeconds(30));
        using var client = Emulators.Client(cluster);
        await client.CloneAsync("pve1", 9000, new ProxmoxCloneOptions(100));

        var config = await Assert.ThrowsAsync<ProxmoxConflictException>(() => client.UpdateConfigAsync("pve1", 100, new ProxmoxConfigChange { Cores = 2 }));
        var start = await Assert.ThrowsAsync<ProxmoxConflictException>(() => client.StartAsync("pve1", 100));

        Assert.Equal("VM 100 is locked (clone)", config.ProxmoxMessage);
        Assert.Equal(500, start.StatusCode);
        Assert.True(start.IsTransient);
        Assert.Equal("clone", (await client.GetVmStatusAsync("pve1", 100)).Lock);
    }

    [Fact]
    public async Task A_second_operation_while_a_task_runs_on_the_vm_is_a_conflict()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster);
        await client.WaitForTaskAsync(await client.CloneAsync("pve1", 9000, new ProxmoxCloneOptions(100)));
        cluster.SetTaskDuration("qmstart", TimeSpan.FromSeconds(30));
        await client.StartAsync("pve1", 100);

        var error = await Assert.ThrowsAsync<ProxmoxConflictException>(() => client.StopAsync("pve1", 100));

        Assert.Equal("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout", error.ProxmoxMessage);
    }

    [Fact]
    public async Task A_vm_that_does_not_exist_is_not_found()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster);

        var error = await Assert.ThrowsAsync<ProxmoxNotFoundException>(() => client.GetConfigAsync("pve1", 4242));

        Assert.Equal("Configuration file 'nodes/pve1/qemu-server/4242.conf' does not exist", error.ProxmoxMessage);
        Assert.Equal(ProvisioningFailure.NotFound, error.Failure);
    }

    [Fact]
    public async Task Rejected_parameters_are_a_validation_error_naming_each_parameter()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster);
        await client.WaitForTaskAsync(await client.CloneAsync("pve1", 9000, new ProxmoxCloneOptions(100)));

        ProxmoxValidationException error;
        using (SchemaConformance.AllowInvalid())
        {
            error = await Assert.ThrowsAsync<ProxmoxValidationException>(() => client.UpdateConfigAsync("pve1", 100, new ProxmoxConfigChange { Cores = 0, MemoryMegabytes = 8 }));
        }

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("value must have a minimum value of 1", error.ParameterErrors["cores"]);
        Assert.Equal("invalid format - current: value must have a minimum value of 16", error.ParameterErrors["memory"]);
        Assert.Contains("Parameter verification failed.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asking_for_a_taken_vm_id_is_a_conflict()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster);

        var error = await Assert.ThrowsAsync<ProxmoxConflictException>(() => client.GetNextIdAsync(9000));

        Assert.Equal("VM 9000 already exists", error.ProxmoxMessage);
        Assert.Equal(150, await client.GetNextIdAsync(150));
    }

    [Fact]
    public async Task Cloning_into_a_taken_id_is_a_conflict()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster);
        await client.WaitForTaskAsync(await client.CloneAsync("pve1", 9000, new ProxmoxCloneOptions(100)));

        var error = await Assert.ThrowsAsync<ProxmoxConflictException>(() => client.CloneAsync("pve1", 9000, new ProxmoxCloneOptions(100)));

        Assert.Equal("unable to create VM 100: config file already exists", error.ProxmoxMessage);
    }

    [Fact]
    public async Task A_node_that_went_away_makes_its_requests_unavailable_and_shows_offline()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster);
        cluster.SetNodeOnline("pve2", false);

        var error = await Assert.ThrowsAsync<ProxmoxUnavailableException>(() => client.GetNodeStatusAsync("pve2"));

        Assert.Equal(595, error.StatusCode);
        Assert.True(error.IsTransient);
        Assert.Equal("offline", (await client.GetNodesAsync()).Single(n => n.Node == "pve2").Status);
        cluster.SetNodeOnline("pve2", true);
        await client.GetNodeStatusAsync("pve2");
    }

    [Fact]
    public async Task An_unreachable_cluster_is_unavailable()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster);
        cluster.Reachable = false;

        var error = await Assert.ThrowsAsync<ProxmoxUnavailableException>(() => client.GetVersionAsync());

        Assert.Null(error.StatusCode);
        Assert.Equal(ProvisioningFailure.Unavailable, error.Failure);
    }

    [Fact]
    public async Task Destroying_a_running_vm_is_refused()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster);
        await client.WaitForTaskAsync(await client.CloneAsync("pve1", 9000, new ProxmoxCloneOptions(100)));
        await client.WaitForTaskAsync(await client.StartAsync("pve1", 100));

        var error = await Assert.ThrowsAsync<ProxmoxApiException>(() => client.DeleteAsync("pve1", 100));

        Assert.Equal("VM 100 is running - destroy failed", error.ProxmoxMessage);
        Assert.Equal(ProvisioningFailure.OperationFailed, error.Failure);
    }

    [Fact]
    public async Task Starting_more_memory_than_the_node_has_fails_the_task()
    {
        var cluster = await Emulators.NewClusterAsync();
        using var client = Emulators.Client(cluster);
        await client.WaitForTaskAsync(await client.CloneAsync("pve1", 9000, new ProxmoxCloneOptions(100)));
        await client.UpdateConfigAsync("pve1", 100, new ProxmoxConfigChange { MemoryMegabytes = 32 * 1024 });

        var error = await Assert.ThrowsAsync<ProxmoxTaskFailedException>(async () => await client.WaitForTaskAsync(await client.StartAsync("pve1", 100)));

        Assert.StartsWith("start failed:", error.ExitStatus, StringComparison.Ordinal);
    }
}
