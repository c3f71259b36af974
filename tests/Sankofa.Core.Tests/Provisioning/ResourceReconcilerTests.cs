using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tests.Fakes;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Provisioning;

/// <summary>The reconciler against in-memory fakes of its ports: the steps, a chain that lost records, retries and giving up.</summary>
public sealed class ResourceReconcilerTests
{
    private const string Site = "edge-001";

    private readonly FakeTimeProvider time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly FakeResourceStore store = new();
    private readonly FakeResourceLedger ledger = new();
    private readonly FakeVirtualMachines sites = new(Site);
    private readonly FakeSiteAttestor attestor = new();
    private readonly FakeSiteWorkQueue agents = new();
    private readonly ProvisioningOptions options = new() { MaxAttempts = 4 };
    private readonly ResourceReconciler reconciler;

    public ResourceReconcilerTests() =>
        reconciler = new ResourceReconciler(store, ledger, sites, attestor, new FleetCapacity(store, SiteCatalog.Default, options, time), options, time, agents);

    [Fact]
    public async Task A_requested_resource_is_provisioned_and_verified_on_chain()
    {
        var resource = store.Add(NewResource("vm-a"));

        var done = await reconciler.ReconcileAsync(resource, CancellationToken.None);

        Assert.Equal(ResourceStatus.Verified, done.Status);
        Assert.True(await ledger.IsVerifiedAsync("vm-a", CancellationToken.None));
        Assert.Single(sites.Cluster(Site).Managed);
    }

    [Fact]
    public async Task Steps_taken_in_one_run_are_stored_two_at_a_time_and_read_as_separate_steps()
    {
        var done = await reconciler.ReconcileAsync(store.Add(NewResource("vm-g")), CancellationToken.None);

        // Placement with the VM id drawn, and the control plane's attestation with the site's: two writes, not four.
        Assert.Equal(ResourceStatus.Verified, done.Status);
        Assert.Equal(1 + 2, done.Version); // the fake store keeps an added resource at version 1
        var events = await store.GetEventsAsync("vm-g", CancellationToken.None);
        Assert.Equal(
            [("chain.placed", ResourceStatus.Placed), ("vm.provisioning", ResourceStatus.Provisioning), ("chain.provisioned", ResourceStatus.Provisioned),
             ("chain.verified", ResourceStatus.Verified)],
            events.Select(e => (e.Kind, e.Status)));
        Assert.Equal(
            ["provisioning.resource.placed", "provisioning.resource.provisioning", "provisioning.resource.provisioned", "provisioning.resource.verified"],
            store.Audit.Where(a => a.Subject == "resource:vm-g").Select(a => a.Action));
        Assert.True(await ledger.IsVerifiedAsync("vm-g", CancellationToken.None));
    }

    [Fact]
    public async Task A_vm_id_draw_that_fails_after_the_placement_stores_the_placement_and_is_retried_with_backoff_once_per_round()
    {
        sites.Cluster(Site).AllocateFailures = 1;

        var first = await reconciler.ReconcileAsync(store.Add(NewResource("vm-i")), CancellationToken.None);

        // The placement is stored as its own step and the draw's failure counted, as when the reservation ran on its own;
        // the site was asked once this round, not again at once.
        Assert.Equal(ResourceStatus.Placed, first.Status);
        Assert.Equal(1, first.Attempts);
        Assert.Equal(1, sites.Cluster(Site).Allocations);
        Assert.Equal(["chain.placed", "retry.scheduled"], (await store.GetEventsAsync("vm-i", CancellationToken.None)).Select(e => e.Kind));

        time.Advance(first.NextAttemptAt - time.GetUtcNow());
        var done = await reconciler.ReconcileAsync(first, CancellationToken.None);
        Assert.Equal(ResourceStatus.Verified, done.Status);
        Assert.Equal(
            ["chain.placed", "retry.scheduled", "vm.provisioning", "chain.provisioned", "chain.verified"],
            (await store.GetEventsAsync("vm-i", CancellationToken.None)).Select(e => e.Kind));
    }

    [Fact]
    public async Task A_site_attestation_that_fails_right_after_the_start_leaves_the_control_planes_stored_and_the_next_step_verifies()
    {
        attestor.Failures = 1;

        var done = await reconciler.ReconcileAsync(store.Add(NewResource("vm-h")), CancellationToken.None);

        // The first attestation failed: the control plane's attestation was recorded and stored on its own, then the
        // verification step attested again; no retry was needed, and the history is the same.
        Assert.Equal(ResourceStatus.Verified, done.Status);
        Assert.Equal(1 + 3, done.Version);
        Assert.Equal(0, attestor.Failures);
        var events = await store.GetEventsAsync("vm-h", CancellationToken.None);
        Assert.Equal(["chain.placed", "vm.provisioning", "chain.provisioned", "chain.verified"], events.Select(e => e.Kind));
        Assert.True(await ledger.IsVerifiedAsync("vm-h", CancellationToken.None));
    }

    [Fact]
    public async Task A_resource_whose_chain_records_were_lost_mid_provisioning_is_recorded_again_from_the_store_and_verified()
    {
        // Recorded on chain and cloned, then the server died and the chain lost its last blocks: it holds nothing.
        var placed = await ClonedAsync("vm-b");

        var done = await reconciler.ReconcileAsync(placed, CancellationToken.None);

        Assert.Equal(ResourceStatus.Verified, done.Status);
        Assert.Equal(0, done.Attempts);
        Assert.True(await ledger.IsVerifiedAsync("vm-b", CancellationToken.None));
        var events = await store.GetEventsAsync("vm-b", CancellationToken.None);
        Assert.Contains(events, e => e.Kind == "chain.restored" && e.Message.Contains("request, placement", StringComparison.Ordinal));
        Assert.DoesNotContain(events, e => e.Kind == "retry.scheduled");
        Assert.Contains(store.Audit, a => a.Action == "provisioning.resource.chain-restored" && a.Subject == "resource:vm-b");
    }

    [Fact]
    public async Task A_resource_the_chain_lost_only_the_control_planes_attestation_of_is_verified_again()
    {
        var cloned = await ClonedAsync("vm-c");
        var provisioned = await store.UpdateResourceAsync(cloned with { Status = ResourceStatus.Provisioned }, null, null, null, CancellationToken.None);
        await ledger.RecordRequestedAsync("vm-c", cloned.SpecHash, CancellationToken.None);
        await ledger.RecordPlacedAsync("vm-c", Site, "host-1", CancellationToken.None);

        var done = await reconciler.ReconcileAsync(provisioned, CancellationToken.None);

        Assert.Equal(ResourceStatus.Verified, done.Status);
        Assert.True(await ledger.IsVerifiedAsync("vm-c", CancellationToken.None));
    }

    [Fact]
    public async Task Verified_resources_the_chain_lost_are_handed_back_and_verified_again_keeping_their_metering_start()
    {
        var kept = await reconciler.ReconcileAsync(store.Add(NewResource("vm-kept")), CancellationToken.None);
        var snapshot = ledger.Snapshot();
        var lost = await reconciler.ReconcileAsync(store.Add(NewResource("vm-lost")), CancellationToken.None);
        Assert.Equal(ResourceStatus.Verified, lost.Status);
        ledger.Revert(snapshot);
        time.Advance(TimeSpan.FromMinutes(5));

        var found = await reconciler.FindLostAsync(full: true, CancellationToken.None);

        Assert.Equal(["vm-lost"], found);
        var handedBack = (await store.GetResourceAsync("vm-lost", CancellationToken.None))!;
        Assert.Equal(ResourceStatus.Provisioned, handedBack.Status);
        Assert.Equal(time.GetUtcNow(), handedBack.NextAttemptAt);
        var again = await reconciler.ReconcileAsync(handedBack, CancellationToken.None);
        Assert.Equal(ResourceStatus.Verified, again.Status);
        Assert.Equal(lost.VerifiedAt, again.VerifiedAt);
        Assert.True(await ledger.IsVerifiedAsync("vm-lost", CancellationToken.None));
        Assert.Empty(await reconciler.FindLostAsync(full: true, CancellationToken.None));
        Assert.Equal(ResourceStatus.Verified, (await store.GetResourceAsync(kept.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task A_step_the_chain_keeps_refusing_counts_its_attempts_backs_off_and_ends_failed_with_the_vm_removed()
    {
        var provisioning = await ClonedAsync("vm-d");
        // The chain says deleted: nothing to record again, and every attempt is refused.
        await ledger.RecordRequestedAsync("vm-d", provisioning.SpecHash, CancellationToken.None);
        await ledger.RecordDeletedAsync("vm-d", CancellationToken.None);

        var current = provisioning;
        var delays = new List<TimeSpan>();
        for (var round = 0; round < 20 && !current.IsSettled; round++)
        {
            current = await reconciler.ReconcileAsync(current, CancellationToken.None);
            if (current.Status == ResourceStatus.Deleting)
            {
                // Given up: the removal is due at once, not after a claim's length (a worker would leave it waiting 5 min).
                Assert.Equal(time.GetUtcNow(), current.NextAttemptAt);
            }

            if (current.Status == ResourceStatus.Provisioning)
            {
                delays.Add(current.NextAttemptAt - time.GetUtcNow());
                time.Advance(current.NextAttemptAt - time.GetUtcNow());
            }
        }

        Assert.Equal(ResourceStatus.Failed, current.Status);
        Assert.Contains($"failed {options.MaxAttempts} times", current.FailureReason, StringComparison.Ordinal);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], delays);
        Assert.Empty(sites.Cluster(Site).Managed);
        var events = await store.GetEventsAsync("vm-d", CancellationToken.None);
        Assert.Equal(["attempt 1", "attempt 2", "attempt 3"], events.Where(e => e.Kind == "retry.scheduled").Select(e => e.Message.Split('(', ')')[1]));
        Assert.Single(events, e => e.Kind == "vm.found");
    }

    [Fact]
    public async Task A_chain_that_stays_away_or_paused_past_MaxAttempts_holds_the_resource_and_never_rolls_it_back()
    {
        ledger.FailWith = new LedgerUnavailableException("ResourceRegistry is paused: the request waits until it is unpaused.");
        var current = store.Add(NewResource("vm-p"));
        for (var round = 0; round < 3 * options.MaxAttempts; round++)
        {
            current = await reconciler.ReconcileAsync(current, CancellationToken.None);
            time.Advance(current.NextAttemptAt - time.GetUtcNow());
        }

        Assert.Equal((ResourceStatus.Requested, DesiredState.Present), (current.Status, current.Desired));
        Assert.True(current.Attempts > options.MaxAttempts);

        ledger.FailWith = null;
        Assert.Equal(ResourceStatus.Verified, (await reconciler.ReconcileAsync(current, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task A_removal_that_keeps_failing_is_retried_but_writes_a_bounded_history()
    {
        var verified = await reconciler.ReconcileAsync(store.Add(NewResource("vm-e")), CancellationToken.None);
        sites.Cluster(Site).DeleteFails = new ProvisioningException(ProvisioningFailure.Unavailable, "The site does not answer.");
        var current = await store.UpdateResourceAsync(verified with { Desired = DesiredState.Absent }, null, null, null, CancellationToken.None);

        for (var round = 0; round < 100; round++)
        {
            current = await reconciler.ReconcileAsync(current, CancellationToken.None);
            time.Advance(current.NextAttemptAt - time.GetUtcNow());
        }

        Assert.Equal(ResourceStatus.Deleting, current.Status);
        Assert.Equal(100, current.Attempts);
        Assert.Equal(options.MaxRetryDelay, current.NextAttemptAt - current.UpdatedAt);
        var retries = (await store.GetEventsAsync("vm-e", CancellationToken.None)).Count(e => e.Kind == "retry.scheduled");
        Assert.Equal(options.MaxAttempts + 4, retries); // 1..4, then 8, 16, 32, 64
    }

    [Fact]
    public async Task A_site_with_an_agent_gets_queued_work_the_resource_waits_without_a_worker_and_the_agents_attestation_verifies_it()
    {
        agents.AgentSites.Add(Site);
        var resource = store.Add(NewResource("vm-f"));

        var waiting = await reconciler.ReconcileAsync(resource, CancellationToken.None);

        // Recorded on chain, queued for the agent, and parked: nothing touched the hypervisor from here.
        Assert.Equal(ResourceStatus.Provisioning, waiting.Status);
        Assert.Equal(time.GetUtcNow() + options.AgentWorkWait, waiting.NextAttemptAt);
        Assert.Empty(sites.Cluster(Site).Managed);
        var work = Assert.Single(agents.Items);
        Assert.Equal((SiteWorkKind.Provision, "host-1", 9000), (work.Kind, work.Order.NodeHint, work.Order.TemplateVmId));
        Assert.Equal(resource.Spec, work.Order.Spec);
        Assert.Equal(waiting.Status, (await reconciler.ReconcileAsync(waiting, CancellationToken.None)).Status);
        Assert.Single(agents.Items); // looking again while it is open queues nothing more

        agents.Finish(work, new SiteWorkResult(SiteWorkOutcome.Done, null, new VirtualMachineRef("node-1", 120),
            new SiteWorkAttestation(resource.SpecHash, new byte[65], 0)));
        var done = await reconciler.ReconcileAsync(await store.GetResourceAsync("vm-f", CancellationToken.None) ?? throw new InvalidOperationException(), CancellationToken.None);

        Assert.Equal(ResourceStatus.Verified, done.Status);
        Assert.Equal(new VirtualMachineRef("node-1", 120), done.Vm);
        Assert.True(await ledger.IsVerifiedAsync("vm-f", CancellationToken.None));
        Assert.Contains(await store.GetEventsAsync("vm-f", CancellationToken.None), e => e.Kind == "agent.dispatched");
    }

    [Fact]
    public async Task A_refusal_by_the_agent_rolls_back_through_the_agent_and_a_retry_outcome_queues_the_work_again_after_backoff()
    {
        agents.AgentSites.Add(Site);
        var refused = await reconciler.ReconcileAsync(store.Add(NewResource("vm-g")), CancellationToken.None);
        agents.Finish(agents.Items[^1], new SiteWorkResult(SiteWorkOutcome.Refused, "the chain holds spec 0xab…, not 0xcd…", null, null));

        var rolling = await reconciler.ReconcileAsync(await Fresh("vm-g"), CancellationToken.None);

        Assert.Equal(ResourceStatus.Deleting, rolling.Status);
        Assert.Contains("refused the work: the chain holds spec", rolling.FailureReason, StringComparison.Ordinal);
        Assert.Equal(ResourceStatus.Deleting, (await reconciler.ReconcileAsync(rolling, CancellationToken.None)).Status);
        var delete = agents.Items[^1];
        Assert.Equal(SiteWorkKind.Delete, delete.Kind);
        Assert.Equal(OnChainResourceState.Removing, ledger.Snapshot()["vm-g"].State); // on chain before the agent is asked
        agents.Finish(delete, new SiteWorkResult(SiteWorkOutcome.Done, null, null, null));
        Assert.Equal(ResourceStatus.Failed, (await reconciler.ReconcileAsync(await Fresh("vm-g"), CancellationToken.None)).Status);
        Assert.Equal(OnChainResourceState.Deleted, ledger.Snapshot()["vm-g"].State);

        await reconciler.ReconcileAsync(store.Add(NewResource("vm-h")), CancellationToken.None);
        agents.Finish(agents.Items[^1], new SiteWorkResult(SiteWorkOutcome.Retry, "VM id 120 is taken", null, null));
        var retrying = await reconciler.ReconcileAsync(await Fresh("vm-h"), CancellationToken.None);

        Assert.Equal((ResourceStatus.Provisioning, 1), (retrying.Status, retrying.Attempts));
        Assert.Equal(SiteWorkState.Closed, agents.Items[^1].State);
        time.Advance(retrying.NextAttemptAt - time.GetUtcNow());
        await reconciler.ReconcileAsync(retrying, CancellationToken.None);
        Assert.Equal((SiteWorkKind.Provision, SiteWorkState.Open, "vm-h"), (agents.Items[^1].Kind, agents.Items[^1].State, agents.Items[^1].ResourceId));
    }

    [Fact]
    public async Task A_resize_records_the_new_spec_on_chain_then_changes_the_same_vm_restarting_it_and_verifies_it_again()
    {
        var verified = await reconciler.ReconcileAsync(store.Add(NewResource("vm-r")), CancellationToken.None);
        var before = Assert.Single(sites.Cluster(Site).Managed);
        time.Advance(TimeSpan.FromHours(2));

        var done = await reconciler.ReconcileAsync(await ResizedAsync(verified, vcpu: 4, ramMiB: 4096), CancellationToken.None);

        Assert.Equal(ResourceStatus.Verified, done.Status);
        Assert.Equal(verified.VerifiedAt, done.VerifiedAt); // metered all along; the resize split it already
        var vm = Assert.Single(sites.Cluster(Site).Managed);
        Assert.Equal((before.Ref, 4, 4096L, PowerState.Running), (vm.Ref, vm.Cores, vm.MemoryMegabytes, vm.PowerState));
        Assert.Equal(1, sites.Cluster(Site).Shutdowns);
        var chain = ledger.Snapshot()["vm-r"];
        Assert.Equal(done.SpecHash, chain.SpecHash);
        Assert.True(await ledger.IsVerifiedAsync("vm-r", CancellationToken.None));
        var kinds = (await store.GetEventsAsync("vm-r", CancellationToken.None)).Select(e => e.Kind).ToList();
        Assert.Equal(["chain.resized", "vm.stopping", "chain.provisioned", "chain.verified"], kinds.SkipWhile(k => k != "chain.resized"));
    }

    [Fact]
    public async Task A_resize_that_cannot_be_done_is_retried_and_never_rolls_the_running_vm_back()
    {
        var verified = await reconciler.ReconcileAsync(store.Add(NewResource("vm-s")), CancellationToken.None);
        attestor.Observed = new byte[32]; // the site attests something else each time: a permanent refusal before a resize

        var current = await ResizedAsync(verified, vcpu: 4, ramMiB: 2048);
        for (var round = 0; round < 3 * options.MaxAttempts; round++)
        {
            current = await reconciler.ReconcileAsync(current, CancellationToken.None);
            time.Advance(current.NextAttemptAt - time.GetUtcNow());
        }

        Assert.Equal(ResourceStatus.Provisioned, current.Status);
        Assert.Equal(DesiredState.Present, current.Desired);
        Assert.True(current.Attempts > options.MaxAttempts);
        Assert.Equal(PowerState.Running, Assert.Single(sites.Cluster(Site).Managed).PowerState);
        Assert.DoesNotContain(await store.GetEventsAsync("vm-s", CancellationToken.None), e => e.Kind == "resource.rolling-back");
    }

    [Fact]
    public async Task Through_an_agent_a_resize_withdraws_the_old_work_and_sends_the_new_spec_for_the_same_vm()
    {
        agents.AgentSites.Add(Site);
        var resource = store.Add(NewResource("vm-t"));
        await reconciler.ReconcileAsync(resource, CancellationToken.None);
        var vm = new VirtualMachineRef("node-1", 120);
        agents.Finish(agents.Items[^1], new SiteWorkResult(SiteWorkOutcome.Done, null, vm, new SiteWorkAttestation(resource.SpecHash, new byte[65], 0)));
        var verified = await reconciler.ReconcileAsync(await Fresh("vm-t"), CancellationToken.None);
        Assert.Equal(ResourceStatus.Verified, verified.Status);

        var waiting = await reconciler.ReconcileAsync(await ResizedAsync(verified, vcpu: 8, ramMiB: 8192), CancellationToken.None);

        Assert.Equal(ResourceStatus.Provisioning, waiting.Status);
        Assert.Equal(OnChainResourceState.Placed, ledger.Snapshot()["vm-t"].State); // on chain before the agent is asked
        Assert.Equal(2, agents.Items.Count);
        Assert.Equal(SiteWorkState.Closed, agents.Items[0].State);
        var work = agents.Items[1];
        Assert.Equal((SiteWorkKind.Provision, SiteWorkState.Open, 8, vm), (work.Kind, work.State, work.Order.Spec.VCpu, work.Order.Vm!.Value));

        agents.Finish(work, new SiteWorkResult(SiteWorkOutcome.Done, null, vm, new SiteWorkAttestation(waiting.SpecHash, new byte[65], 1)));
        var done = await reconciler.ReconcileAsync(await Fresh("vm-t"), CancellationToken.None);

        Assert.Equal((ResourceStatus.Verified, vm), (done.Status, done.Vm!.Value));
        Assert.True(await ledger.IsVerifiedAsync("vm-t", CancellationToken.None));
    }

    /// <summary>The resource as the provisioning service stores a resize of it.</summary>
    private Task<Resource> ResizedAsync(Resource verified, int vcpu, long ramMiB)
    {
        var spec = verified.Spec with { VCpu = vcpu, RamMiB = ramMiB };
        return store.UpdateResourceAsync(verified with { Spec = spec, SpecHash = SpecHash.Of(spec), Status = ResourceStatus.Resizing, NextAttemptAt = time.GetUtcNow() },
            new NewResourceEvent("resource.resize-requested", "test"), null, null, CancellationToken.None);
    }

    private async Task<Resource> Fresh(string id) => await store.GetResourceAsync(id, CancellationToken.None) ?? throw new InvalidOperationException(id + " is gone");

    /// <summary>A resource the store says is being provisioned, with its VM cloned on the site, and nothing on chain.</summary>
    private async Task<Resource> ClonedAsync(string id)
    {
        var vm = await sites.Cluster(Site).CloneAsync(new CloneVirtualMachineRequest(id, 9000, "node-1", 100, id));
        return store.Add(NewResource(id) with { Status = ResourceStatus.Provisioning, Vm = vm.Ref });
    }

    private Resource NewResource(string id)
    {
        var spec = new ResourceSpec(2, 2048, 20, "debian-12-cloud", [], null);
        var now = time.GetUtcNow();
        return new Resource(id, 0, "acme", "web", id, spec, SpecHash.Of(spec), DesiredState.Present, ResourceStatus.Requested, null,
            new PlacementExplanation(Site, "Edge 1", "edge", "NG", "host-1", null, null, 1, "test", null, null, []),
            null, 0, now, now, now, null, null, null, null, 0);
    }
}
