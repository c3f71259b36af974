using Sankofa.Agent.Protocol;
using Sankofa.Agent.Tests.LightClient;
using Sankofa.Core.Provisioning;

namespace Sankofa.Agent.Tests.Work;

/// <summary>
/// The agent runs its control plane's work on its own hypervisor (the Proxmox emulator) after checking the order against
/// the real chain (anvil, ResourceRegistry): what it builds, what it refuses, and that its attestation makes the
/// resource Verified through the contract itself.
/// </summary>
public sealed class WorkRunnerTests(RegistryChain chain) : IClassFixture<RegistryChain>
{
    private static readonly ResourceSpec Spec = new(2, 2048, 20, "debian-12-cloud", ["ssh-ed25519 AAAAC3Nza ops@example"], "ops");

    private static WorkOrder Provision(string resourceId, ResourceSpec spec, string? workId = null, int templateVmId = 9000) => new()
    {
        WorkId = workId ?? Guid.NewGuid().ToString(),
        ResourceId = resourceId,
        Kind = WorkKind.Provision,
        Spec = new VmSpec
        {
            Vcpu = spec.VCpu, RamMib = spec.RamMiB, DiskGib = spec.DiskGiB, Template = spec.Template, SshKeys = { spec.SshKeys },
            CloudInitUser = spec.CloudInitUser ?? string.Empty, Name = "web-1",
        },
        TemplateVmId = templateVmId,
    };

    private static WorkOrder Delete(string resourceId) => new() { WorkId = Guid.NewGuid().ToString(), ResourceId = resourceId, Kind = WorkKind.Delete };

    private static async Task<(WorkResult Result, List<WorkProgress> Steps)> RunAsync(AgentSite site, WorkOrder work)
    {
        var steps = new List<WorkProgress>();
        var result = await site.Runner.RunAsync(work, p => { lock (steps) { steps.Add(p); } }, CancellationToken.None);
        Assert.NotNull(result);
        return (result, steps);
    }

    [Fact]
    public async Task Provisioning_builds_the_vm_as_ordered_and_its_attestation_relayed_through_the_contract_makes_the_resource_verified()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(resource, Spec);

        var (result, steps) = await RunAsync(site, Provision(resource, Spec));

        Assert.True(result.Outcome == WorkOutcome.Done, result.Error);
        var vm = Assert.Single(site.Vms);
        Assert.Equal((site.Cluster.VmIds.Count, "pve", vm), (2, result.Node, result.VmId));
        Assert.True(site.Cluster.IsRunning(vm));
        Assert.Equal(("2", "2048", "ops"), (site.Cluster.ConfigValue(vm, "cores"), site.Cluster.ConfigValue(vm, "memory"), site.Cluster.ConfigValue(vm, "ciuser")));
        Assert.Contains("size=20G", site.Cluster.ConfigValue(vm, "scsi0"), StringComparison.Ordinal);
        Assert.Equal(["checked", "cloning", "configuring", "starting", "attesting"], steps.Select(s => s.Step));
        Assert.Equal(SpecHash.Of(Spec), result.Attestation.ObservedSpecHash.ToByteArray());
        Assert.Equal(0u, result.Attestation.Count);

        // The control plane relays the signature as it came and records its own attestation: the contract checks both.
        await chain.Ledger.RecordSiteAttestationAsync(resource, result.Attestation.ObservedSpecHash.ToByteArray(), result.Attestation.Signature.ToByteArray(), CancellationToken.None);
        await chain.Ledger.RecordProvisionedAsync(resource, SpecHash.Of(Spec), CancellationToken.None);
        Assert.True(await chain.Ledger.IsVerifiedAsync(resource, CancellationToken.None));
    }

    [Fact]
    public async Task Running_the_same_order_again_finds_the_vm_it_made_and_leaves_one_vm_signing_over_the_moved_on_count()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(resource, Spec);
        var work = Provision(resource, Spec);
        var (first, _) = await RunAsync(site, work);
        await chain.Ledger.RecordSiteAttestationAsync(resource, first.Attestation.ObservedSpecHash.ToByteArray(), first.Attestation.Signature.ToByteArray(), CancellationToken.None);

        var (again, steps) = await RunAsync(site, work);

        Assert.Equal(WorkOutcome.Done, again.Outcome);
        Assert.Equal((first.Node, first.VmId), (again.Node, again.VmId));
        Assert.Single(site.Vms);
        Assert.Contains(steps, s => s.Step == "found");
        Assert.Equal(1u, again.Attestation.Count);
        var digest = AttestationDigest.Compute(chain.Registry, 31337, resource, again.Attestation.ObservedSpecHash.ToByteArray(), 1);
        Assert.Equal(site.Key.Address, SiteSignatures.Signer(digest, again.Attestation.Signature.Span), ignoreCase: true);
    }

    [Fact]
    public async Task An_order_whose_spec_the_chain_does_not_hold_is_refused_naming_both_hashes_and_no_vm_is_made()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(resource, Spec);
        var forged = Spec with { VCpu = 16 };

        var (result, steps) = await RunAsync(site, Provision(resource, forged));

        Assert.Equal(WorkOutcome.Refused, result.Outcome);
        Assert.Contains("0x" + Convert.ToHexStringLower(SpecHash.Of(forged).AsSpan(0, 4)), result.Error, StringComparison.Ordinal);
        Assert.Contains("but the chain holds 0x" + Convert.ToHexStringLower(SpecHash.Of(Spec).AsSpan(0, 4)), result.Error, StringComparison.Ordinal);
        Assert.Empty(site.Vms);
        Assert.Empty(steps);
        Assert.Null(result.Attestation);
    }

    [Fact]
    public async Task An_order_for_a_resource_the_chain_never_heard_of_is_refused_and_no_vm_is_made()
    {
        using var site = await AgentSite.StartAsync(chain);

        var (result, _) = await RunAsync(site, Provision("vm-" + Guid.NewGuid(), Spec));

        Assert.Equal(WorkOutcome.Refused, result.Outcome);
        Assert.Contains("the chain holds no request", result.Error, StringComparison.Ordinal);
        Assert.Empty(site.Vms);
    }

    [Fact]
    public async Task An_agent_refuses_work_for_a_resource_the_chain_places_at_another_site()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(resource, Spec, site: "edge-someone-else");

        var (result, _) = await RunAsync(site, Provision(resource, Spec));

        Assert.Equal(WorkOutcome.Refused, result.Outcome);
        Assert.Contains($"at another site", result.Error, StringComparison.Ordinal);
        Assert.Contains($"not at {site.Id}", result.Error, StringComparison.Ordinal);
        Assert.Empty(site.Vms);
    }

    [Fact]
    public async Task A_template_the_site_does_not_have_fails_the_work_for_good()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(resource, Spec);

        var (result, _) = await RunAsync(site, Provision(resource, Spec, templateVmId: 9100));

        Assert.Equal(WorkOutcome.Failed, result.Outcome);
        Assert.Contains("VM 9100", result.Error, StringComparison.Ordinal);
        Assert.Empty(site.Vms);
    }

    [Fact]
    public async Task A_hypervisor_that_does_not_answer_makes_the_work_retry()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(resource, Spec);
        site.Cluster.Reachable = false;

        var (result, _) = await RunAsync(site, Provision(resource, Spec));

        Assert.Equal(WorkOutcome.Retry, result.Outcome);
        site.Cluster.Reachable = true;
        Assert.Empty(site.Vms);
    }

    [Fact]
    public async Task The_same_work_arriving_while_it_runs_is_not_run_beside_it()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(resource, Spec);
        site.Cluster.SetTaskDuration("qmclone", TimeSpan.FromSeconds(2));
        var work = Provision(resource, Spec);

        var running = site.Runner.RunAsync(work, _ => { }, CancellationToken.None);
        await Task.Delay(300);
        var repeat = await site.Runner.RunAsync(work, _ => { }, CancellationToken.None);

        Assert.Null(repeat);
        Assert.Equal(WorkOutcome.Done, (await running)!.Outcome);
        Assert.Single(site.Vms);
    }

    [Fact]
    public async Task Delete_removes_every_vm_of_the_resource_and_deleting_what_is_gone_is_done_too()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(resource, Spec);
        Assert.Equal(WorkOutcome.Done, (await RunAsync(site, Provision(resource, Spec))).Result.Outcome);

        var (deleted, steps) = await RunAsync(site, Delete(resource));
        var (again, _) = await RunAsync(site, Delete(resource));

        Assert.Equal((WorkOutcome.Done, WorkOutcome.Done), (deleted.Outcome, again.Outcome));
        Assert.Contains(steps, s => s.Step == "deleting");
        Assert.Empty(site.Vms);
    }
}
