using Microsoft.Extensions.Time.Testing;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tests.Fakes;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Provisioning;

/// <summary>
/// A store restored from a backup older than the chain's records, against in-memory fakes: what the comparison finds and
/// adopts, and the reconciler's own check before it clones.
/// </summary>
public sealed class ResourceChainAheadTests
{
    private const string Site = "edge-001";

    private readonly FakeTimeProvider time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly FakeResourceStore before = new();
    private readonly FakeResourceStore restored = new();
    private readonly FakeResourceLedger ledger = new();
    private readonly FakeVirtualMachines sites = new(Site);
    private readonly FakeResourceChainGapStore gaps = new();
    private readonly ProvisioningOptions options = new() { MaxAttempts = 4 };

    [Fact]
    public async Task The_comparison_reports_what_the_chain_holds_beyond_a_restored_store_adopts_what_is_safe_and_finds_nothing_twice()
    {
        var (deleted, requested, unknown) = await RestoredAsync();
        var comparison = new ResourceChainAhead(restored, ledger, gaps, sites, SiteCatalog.Default, time);

        var found = (await comparison.FindAsync(CancellationToken.None)).ToDictionary(g => g.ResourceId!);

        Assert.Equal(new[] { deleted, requested, unknown }.Order(StringComparer.Ordinal), found.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("deleted", (ResourceStatus?)ResourceStatus.Verified, ResourceChainGap.Adopted), (found[deleted].OnChainState, found[deleted].StoreStatus, found[deleted].Outcome));
        Assert.Equal(("verified", (ResourceStatus?)ResourceStatus.Requested, ResourceChainGap.Adopted), (found[requested].OnChainState, found[requested].StoreStatus, found[requested].Outcome));
        Assert.Equal(("verified", (ResourceStatus?)null, ResourceChainGap.Reported), (found[unknown].OnChainState, found[unknown].StoreStatus, found[unknown].Outcome));
        Assert.Equal(sites.Cluster(Site).Managed.Single(v => v.ResourceId == unknown).Ref.ToString(), found[unknown].Vm);
        Assert.Equal((ResourceStatus.Deleting, DesiredState.Absent), ((await restored.GetResourceAsync(deleted, default))!.Status, (await restored.GetResourceAsync(deleted, default))!.Desired));
        Assert.Equal(ResourceStatus.Provisioning, (await restored.GetResourceAsync(requested, default))!.Status);
        Assert.Contains(restored.Audit, a => a.Action == "provisioning.resource.chain-ahead" && a.Subject == "resource:" + requested);

        // The reconciler finishes both from there without a second VM; the unknown one's VM stays.
        var reconciler = Reconciler(restored);
        Assert.Equal(ResourceStatus.Verified, (await reconciler.ReconcileAsync((await restored.GetResourceAsync(requested, default))!, default)).Status);
        Assert.Equal(ResourceStatus.Deleted, (await reconciler.ReconcileAsync((await restored.GetResourceAsync(deleted, default))!, default)).Status);
        Assert.Single(sites.Cluster(Site).Managed, v => v.ResourceId == requested);
        Assert.Single(sites.Cluster(Site).Managed, v => v.ResourceId == unknown);
        Assert.DoesNotContain(sites.Cluster(Site).Managed, v => v.ResourceId == deleted);

        // Compared again from where it stopped: the store is in line, nothing new; the findings stay.
        Assert.Empty(await comparison.FindAsync(CancellationToken.None));
        Assert.Equal(3, (await gaps.ListAsync(default)).Count);
    }

    [Fact]
    public async Task The_reconciler_takes_over_the_VM_the_chain_says_was_provisioned_instead_of_cloning_again_and_reports_it()
    {
        var (_, requested, _) = await RestoredAsync();

        var done = await Reconciler(restored).ReconcileAsync((await restored.GetResourceAsync(requested, default))!, default);

        Assert.Equal(ResourceStatus.Verified, done.Status);
        Assert.Single(sites.Cluster(Site).Managed, v => v.ResourceId == requested);
        Assert.Contains(await restored.GetEventsAsync(requested, default), e => e.Kind == "vm.found" && e.Message.Contains("restored from a backup", StringComparison.Ordinal));
        var gap = Assert.Single(await gaps.ListAsync(default));
        // Found at the step before cloning: the request and placement were repeated first (no-ops on the contract).
        Assert.Equal((requested, (ResourceStatus?)ResourceStatus.Placed, ResourceChainGap.Adopted), (gap.ResourceId, gap.StoreStatus, gap.Outcome));
    }

    private ResourceReconciler Reconciler(FakeResourceStore store) =>
        new(store, ledger, sites, new FakeSiteAttestor(), new FleetCapacity(store, SiteCatalog.Default, options, time), options, time, null, gaps);

    /// <summary>
    /// Three resources made through the first store; the restored one holds the first as Verified (deleted after the
    /// backup), the second as just requested (provisioned after), and not the third (requested after).
    /// </summary>
    private async Task<(string Deleted, string Requested, string Unknown)> RestoredAsync()
    {
        var reconciler = Reconciler(before);
        var deleted = await reconciler.ReconcileAsync(before.Add(NewResource("vm-deleted")), default);
        restored.Add(deleted);
        var requested = before.Add(NewResource("vm-requested"));
        restored.Add(requested);
        await reconciler.ReconcileAsync(requested, default);
        await reconciler.ReconcileAsync(before.Add(NewResource("vm-unknown")), default);
        var deleting = await before.UpdateResourceAsync(deleted with { Desired = DesiredState.Absent }, null, null, null, default);
        Assert.Equal(ResourceStatus.Deleted, (await reconciler.ReconcileAsync(deleting, default)).Status);
        Assert.Equal(OnChainResourceState.Deleted, (await ledger.GetAsync("vm-deleted", default))!.State);
        return ("vm-deleted", "vm-requested", "vm-unknown");
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
