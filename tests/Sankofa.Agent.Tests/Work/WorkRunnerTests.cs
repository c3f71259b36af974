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
        Assert.Contains("proof read by the agent", steps[0].Message, StringComparison.Ordinal);
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
    public async Task Two_orders_for_one_resource_arriving_together_run_one_after_the_other_and_leave_one_vm()
    {
        // A repeat of an order sent on a new link while the control plane had already queued its retry: two work ids.
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(resource, Spec);

        var results = await Task.WhenAll(RunAsync(site, Provision(resource, Spec, "w-a")), RunAsync(site, Provision(resource, Spec, "w-b")));

        Assert.All(results, r => Assert.Equal(WorkOutcome.Done, r.Result.Outcome));
        Assert.Single(site.Vms);
        Assert.Single(results, r => r.Steps.Any(s => s.Step == "found"));
    }

    [Fact]
    public async Task An_order_sent_with_a_proof_of_the_chain_is_checked_against_it_instead_of_a_proof_of_its_own()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(resource, Spec);
        var work = Provision(resource, Spec);
        work.Proof = await SentProofAsync(resource);

        var (result, steps) = await RunAsync(site, work);

        Assert.True(result.Outcome == WorkOutcome.Done, result.Error);
        Assert.Contains($"(block {work.Proof.BlockNumber}, proof sent with the order)", steps[0].Message, StringComparison.Ordinal);
        Assert.Single(site.Vms);
    }

    [Fact]
    public async Task A_sent_proof_that_does_not_check_is_too_old_or_does_not_support_the_order_is_set_aside_for_the_agents_own_read()
    {
        using var site = await AgentSite.StartAsync(chain);

        // Placed at another site, with a proof claiming here: the claim is not what the proof shows.
        var elsewhere = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(elsewhere, Spec, site: "edge-someone-else");
        var lie = Provision(elsewhere, Spec);
        lie.Proof = await SentProofAsync(elsewhere);
        lie.Proof.Slots[2].Value = Google.Protobuf.ByteString.CopyFrom(RegistrySlots.SiteId(site.Id));

        // A trie node altered.
        var altered = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(altered, Spec);
        var alteration = Provision(altered, Spec);
        alteration.Proof = await SentProofAsync(altered);
        var node = alteration.Proof.AccountNodes[0].ToByteArray();
        node[^1] ^= 1;
        alteration.Proof.AccountNodes[0] = Google.Protobuf.ByteString.CopyFrom(node);

        // A true proof from before the placement: the agent's own read finds it placed here since.
        var early = "vm-" + Guid.NewGuid();
        await chain.Ledger.RecordRequestedAsync(early, SpecHash.Of(Spec), CancellationToken.None);
        var before = Provision(early, Spec);
        before.Proof = await SentProofAsync(early);
        await chain.Ledger.RecordPlacedAsync(early, site.Id, "pve", CancellationToken.None);

        // A true proof older than LightClient:MaxProofAge (64 blocks), of a resource deleted since.
        var gone = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(gone, Spec);
        var old = Provision(gone, Spec);
        old.Proof = await SentProofAsync(gone);
        await chain.Ledger.RecordDeletedAsync(gone, CancellationToken.None);
        await chain.MineAsync(65);

        var results = new List<(WorkResult Result, List<WorkProgress> Steps)>();
        foreach (var work in new[] { lie, alteration, before, old })
        {
            results.Add(await RunAsync(site, work));
        }

        Assert.Equal([WorkOutcome.Refused, WorkOutcome.Done, WorkOutcome.Done, WorkOutcome.Refused], results.Select(r => r.Result.Outcome));
        Assert.Contains("at another site", results[0].Result.Error, StringComparison.Ordinal);
        Assert.Contains("as deleted", results[3].Result.Error, StringComparison.Ordinal);
        Assert.All(results.Where(r => r.Result.Outcome == WorkOutcome.Done), r => Assert.Contains("proof read by the agent", r.Steps[0].Message, StringComparison.Ordinal));
        Assert.Equal(2, site.Vms.Count);
    }

    [Fact]
    public async Task A_true_proof_sent_with_a_forged_order_does_not_save_it_from_refusal()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(resource, Spec);
        var forged = Provision(resource, Spec with { VCpu = 16 });
        forged.Proof = await SentProofAsync(resource);

        var (result, _) = await RunAsync(site, forged);

        Assert.Equal(WorkOutcome.Refused, result.Outcome);
        Assert.Empty(site.Vms);
    }

    /// <summary>What the control plane sends with an order: eth_getProof of the resource's three registry slots at the newest block.</summary>
    private async Task<ChainProof> SentProofAsync(string resourceId)
    {
        using var rpc = chain.Rpc();
        var head = await rpc.GetBlockHeaderAsync(null, CancellationToken.None);
        var read = await rpc.GetProofAsync(
            chain.Registry, RegistrySlots.Resource(resourceId),
            head.Number, CancellationToken.None);
        static Google.Protobuf.ByteString Bytes(byte[] bytes) => Google.Protobuf.ByteString.CopyFrom(bytes);
        var proof = new ChainProof
        {
            BlockNumber = head.Number,
            Nonce = Bytes(read.Nonce.ToByteArray(isUnsigned: true, isBigEndian: true)),
            Balance = Bytes(read.Balance.ToByteArray(isUnsigned: true, isBigEndian: true)),
            StorageHash = Bytes(read.StorageHash),
            CodeHash = Bytes(read.CodeHash),
            AccountNodes = { read.Nodes.Select(Bytes) },
        };
        proof.Slots.AddRange(read.Storage.Select(s => new StorageSlotProof { Key = Bytes(s.Key), Value = Bytes(s.Value), Nodes = { s.Nodes.Select(Bytes) } }));
        return proof;
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
    public async Task Delete_removes_every_vm_of_the_resource_once_the_chain_records_its_removal_and_deleting_what_is_gone_is_done_too()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(resource, Spec);
        Assert.Equal(WorkOutcome.Done, (await RunAsync(site, Provision(resource, Spec))).Result.Outcome);
        await chain.Ledger.RecordRemovalRequestedAsync(resource, CancellationToken.None);

        var (deleted, steps) = await RunAsync(site, Delete(resource));
        await chain.Ledger.RecordDeletedAsync(resource, CancellationToken.None);
        var (again, againSteps) = await RunAsync(site, Delete(resource));

        Assert.Equal((WorkOutcome.Done, WorkOutcome.Done), (deleted.Outcome, again.Outcome));
        Assert.Equal(["checked", "deleting"], steps.Select(s => s.Step));
        Assert.Contains($"records resource {resource} as removing", steps[0].Message, StringComparison.Ordinal);
        Assert.Contains("as deleted", againSteps[0].Message, StringComparison.Ordinal);
        Assert.Empty(site.Vms);
    }

    [Fact]
    public async Task A_delete_order_for_a_resource_the_chain_does_not_record_as_being_removed_is_refused_and_its_vm_keeps_running()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(resource, Spec);
        Assert.Equal(WorkOutcome.Done, (await RunAsync(site, Provision(resource, Spec))).Result.Outcome);

        var (refused, steps) = await RunAsync(site, Delete(resource));

        Assert.Equal(WorkOutcome.Refused, refused.Outcome);
        Assert.Contains($"the chain does not record the removal of resource {resource}: it holds it as placed", refused.Error, StringComparison.Ordinal);
        Assert.Empty(steps);
        Assert.True(site.Cluster.IsRunning(Assert.Single(site.Vms)));
    }

    [Fact]
    public async Task A_provisioning_order_for_a_resource_the_chain_records_as_being_removed_is_refused()
    {
        using var site = await AgentSite.StartAsync(chain);
        var resource = "vm-" + Guid.NewGuid();
        await site.RequestAndPlaceAsync(resource, Spec);
        await chain.Ledger.RecordRemovalRequestedAsync(resource, CancellationToken.None);

        var (refused, _) = await RunAsync(site, Provision(resource, Spec));

        Assert.Equal(WorkOutcome.Refused, refused.Outcome);
        Assert.Contains("as being removed", refused.Error, StringComparison.Ordinal);
        Assert.Empty(site.Vms);
    }
}
