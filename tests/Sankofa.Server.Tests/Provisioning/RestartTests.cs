using Sankofa.Core.Provisioning;

namespace Sankofa.Server.Tests.Provisioning;

/// <summary>A server stopped in the middle of provisioning resumes on restart without a second VM or an orphan.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task A_restart_during_the_clone_neither_duplicates_nor_orphans_the_vm()
    {
        await using var h = await ProvisioningHarness.StartAsync();
        var project = await h.NewProjectAsync();
        // A slow clone, so the server stops while Proxmox is still cloning.
        h.Emulator.Cluster("edge-002").SetTaskDuration("qmclone", TimeSpan.FromSeconds(3));
        var accepted = await h.CreateAsync(ProvisioningHarness.Vm(project, "edge-002", "survivor"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (h.VmsOf("edge-002", accepted.Id).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the clone never started");
            await Task.Delay(50);
        }

        await h.StopServerAsync();
        await h.StartServerAsync();

        var verified = await h.WaitForAsync(accepted.Id, ResourceStatus.Verified);
        Assert.Single(h.VmsOf("edge-002", accepted.Id));
        Assert.Contains(verified.Events!, e => e.Kind == "vm.found");
        Assert.True(verified.OnChain!.Verified);
    }
}
