using Sankofa.Core.Provisioning;

namespace Sankofa.Data.Tests.Agents;

/// <summary>The site work queue against real SQLite and PostgreSQL: one open item per resource and kind, results only from their site.</summary>
public sealed class SiteWorkStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static readonly SiteWorkOrder Order = new(
        new ResourceSpec(2, 2048, 20, "debian-12-cloud", ["ssh-ed25519 AAAA k@x"], "ops"), "web-1", "edge-001-h01", 9000, null, null);

    public static TheoryData<string> Providers => TestStore.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Work_is_queued_once_while_open_listed_per_site_in_order_and_a_closed_item_makes_room_for_a_new_one(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.SiteWork;

        var (first, queued) = await store.EnqueueAsync("edge-001", "vm-1", SiteWorkKind.Provision, Order, Now, CancellationToken.None);
        var (again, queuedAgain) = await store.EnqueueAsync("edge-001", "vm-1", SiteWorkKind.Provision, Order, Now, CancellationToken.None);
        var (other, _) = await store.EnqueueAsync("edge-001", "vm-2", SiteWorkKind.Provision, Order, Now, CancellationToken.None);
        await store.EnqueueAsync("edge-002", "vm-3", SiteWorkKind.Provision, Order, Now, CancellationToken.None);
        var (delete, _) = await store.EnqueueAsync("edge-001", "vm-1", SiteWorkKind.Delete, Order, Now, CancellationToken.None);

        Assert.True(queued);
        Assert.False(queuedAgain);
        Assert.Equal(first.WorkId, again.WorkId);
        Assert.Equal(Order.Spec.SshKeys, first.Order.Spec.SshKeys);
        Assert.Equal(Order with { Spec = first.Order.Spec }, first.Order);
        Assert.Equal([first.WorkId, other.WorkId, delete.WorkId], (await store.ListOpenAsync("edge-001", null, 10, CancellationToken.None)).Select(w => w.WorkId));
        Assert.Equal([other.WorkId], (await store.ListOpenAsync("edge-001", first.Seq, 1, CancellationToken.None)).Select(w => w.WorkId));

        await store.CloseAsync(first.WorkId, CancellationToken.None);
        var (next, queuedNext) = await store.EnqueueAsync("edge-001", "vm-1", SiteWorkKind.Provision, Order, Now, CancellationToken.None);

        Assert.True(queuedNext);
        Assert.NotEqual(first.WorkId, next.WorkId);
        Assert.Equal(next.WorkId, (await store.LatestAsync("vm-1", SiteWorkKind.Provision, CancellationToken.None))?.WorkId);
        Assert.Equal(SiteWorkState.Closed, (await store.GetAsync(first.WorkId, CancellationToken.None))?.State);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_result_is_taken_once_and_only_for_its_own_site_and_resource(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.SiteWork;
        var (item, _) = await store.EnqueueAsync("edge-001", "vm-1", SiteWorkKind.Provision, Order, Now, CancellationToken.None);
        var attestation = new SiteWorkAttestation(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), Enumerable.Range(0, 65).Select(i => (byte)(i + 1)).ToArray(), 3);
        var done = new SiteWorkResult(SiteWorkOutcome.Done, null, new VirtualMachineRef("edge-001-h01", 123), attestation);

        Assert.Null(await store.FinishAsync(item.WorkId, "edge-002", "vm-1", done, Now, CancellationToken.None));
        Assert.Null(await store.FinishAsync(item.WorkId, "edge-001", "vm-9", done, Now, CancellationToken.None));
        var finished = await store.FinishAsync(item.WorkId, "edge-001", "vm-1", done, Now.AddSeconds(5), CancellationToken.None);
        var repeat = await store.FinishAsync(item.WorkId, "edge-001", "vm-1", done with { Vm = new VirtualMachineRef("x", 1) }, Now.AddSeconds(9), CancellationToken.None);

        Assert.NotNull(finished);
        Assert.Null(repeat);
        Assert.Equal((SiteWorkState.Finished, (DateTimeOffset?)Now.AddSeconds(5)), (finished.State, finished.FinishedAt));
        Assert.Equal((SiteWorkOutcome.Done, (VirtualMachineRef?)new VirtualMachineRef("edge-001-h01", 123)), (finished.Result?.Outcome, finished.Result?.Vm));
        Assert.Equal(attestation.ObservedSpecHash, finished.Result?.Attestation?.ObservedSpecHash);
        Assert.Equal(attestation.Signature, finished.Result?.Attestation?.Signature);
        Assert.Equal(3u, finished.Result?.Attestation?.Count);
        Assert.Empty(await store.ListOpenAsync("edge-001", null, 10, CancellationToken.None));
    }
}
