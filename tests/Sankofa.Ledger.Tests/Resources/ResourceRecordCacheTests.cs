using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Hosting;

namespace Sankofa.Ledger.Tests.Resources;

/// <summary>
/// The chain's record of a resource as readers get it (<see cref="IResourceLedger.ReadAsync"/>), on a real anvil with
/// the head poller running: kept for the head block it was read at, read again once the chain has a new block, and a
/// change made through this control plane is never answered from the block before it.
/// </summary>
public sealed class ResourceRecordCacheTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    // When the store last changed the resource, for reads not about a change just made by another replica.
    private static readonly DateTimeOffset LongAgo = DateTimeOffset.UnixEpoch;
    private readonly TempDirectory _dir = new();
    private LedgerHost _host = null!;
    private IHostedService _poller = null!;

    private IResourceLedger Ledger => _host.Services.GetRequiredService<IResourceLedger>();

    public async Task InitializeAsync()
    {
        _host = await LedgerHost.CreateAsync(_dir.Path);
        _poller = _host.Services.GetServices<IHostedService>().OfType<ChainHeadPoller>().Single();
        await _poller.StartAsync(None);
    }

    public async Task DisposeAsync()
    {
        await _poller.StopAsync(None);
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    private static byte[] Spec(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    /// <summary>Reads until the answer names a block past <paramref name="after"/> (the poller has found the head); fails after a minute.</summary>
    private async Task<OnChainRead> ReadAtBlockAfterAsync(string id, long after)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            var read = await Ledger.ReadAsync(id, LongAgo, None);
            if (read.Block is { } block && block > after)
            {
                return read;
            }

            await Task.Delay(10, deadline.Token);
        }
    }

    private async Task<long> HeadAsync() => Rpc.Hex.ToLong(await _host.Connection.Rpc.CallAsync("eth_blockNumber", None));

    [Fact]
    public async Task A_record_read_at_the_head_is_answered_again_until_a_new_block_and_is_then_read_at_the_new_one()
    {
        var id = "vm-" + Guid.NewGuid();
        var requested = await Ledger.RecordRequestedAsync(id, Spec("asked"), None);

        var first = await ReadAtBlockAfterAsync(id, requested.BlockNumber - 1);
        var again = await Ledger.ReadAsync(id, LongAgo, None);
        Assert.Equal(OnChainResourceState.Requested, first.Record!.State);
        Assert.Equal(await HeadAsync(), first.Block);
        Assert.Equal(first.Block, again.Block);
        Assert.Equal(first.Record, again.Record);

        // A block made by someone else (no transaction of this process): the record is read again there.
        await _host.Connection.Rpc.CallAsync("evm_mine", None);
        var later = await ReadAtBlockAfterAsync(id, first.Block!.Value);
        Assert.Equal(await HeadAsync(), later.Block);
        Assert.Equal(OnChainResourceState.Requested, later.Record!.State);
        Assert.Equal(requested.BlockNumber, later.Record.UpdatedBlock);
    }

    [Fact]
    public async Task A_change_recorded_through_this_control_plane_is_read_at_once_never_from_the_block_before_it()
    {
        var id = "vm-" + Guid.NewGuid();
        var requested = await Ledger.RecordRequestedAsync(id, Spec("asked"), None);
        var kept = await ReadAtBlockAfterAsync(id, requested.BlockNumber - 1);
        Assert.Equal(OnChainResourceState.Requested, kept.Record!.State);

        var placed = await Ledger.RecordPlacedAsync(id, "edge-oslo-1", "host-1", None);

        // The very next read: the record as placed, whether the poller has found the new head yet or not.
        var next = await Ledger.ReadAsync(id, LongAgo, None);
        Assert.Equal(OnChainResourceState.Placed, next.Record!.State);
        Assert.Equal(placed.BlockNumber, next.Record.UpdatedBlock);
        Assert.True(next.Block is null || next.Block >= placed.BlockNumber);

        var settled = await ReadAtBlockAfterAsync(id, placed.BlockNumber - 1);
        Assert.Equal(OnChainResourceState.Placed, settled.Record!.State);
        Assert.Equal(placed.BlockNumber, settled.Record.UpdatedBlock);
    }

    [Fact]
    public async Task After_a_block_that_changed_one_resource_that_one_reads_as_changed_and_the_others_as_they_were()
    {
        var (a, b) = ("vm-" + Guid.NewGuid(), "vm-" + Guid.NewGuid());
        await Ledger.RecordRequestedAsync(a, Spec("a"), None);
        var requested = await Ledger.RecordRequestedAsync(b, Spec("b"), None);
        var keptA = await ReadAtBlockAfterAsync(a, requested.BlockNumber - 1);
        var keptB = await ReadAtBlockAfterAsync(b, requested.BlockNumber - 1);
        Assert.Equal(keptA.Block, keptB.Block);

        // The new block's logs name b only: a's record holds at the new head, b's is read there again.
        var placed = await Ledger.RecordPlacedAsync(b, "edge-oslo-1", "host-1", None);
        var laterB = await ReadAtBlockAfterAsync(b, placed.BlockNumber - 1);
        var laterA = await ReadAtBlockAfterAsync(a, placed.BlockNumber - 1);

        Assert.Equal(OnChainResourceState.Placed, laterB.Record!.State);
        Assert.Equal(placed.BlockNumber, laterB.Record.UpdatedBlock);
        Assert.Equal(OnChainResourceState.Requested, laterA.Record!.State);
        Assert.Equal(keptA.Record!.UpdatedBlock, laterA.Record.UpdatedBlock);
        Assert.Equivalent(await Ledger.GetAsync(a, None), laterA.Record, strict: true);
    }

    [Fact]
    public async Task A_resource_the_store_changed_just_now_is_read_at_the_latest_state_not_at_a_head_learned_before()
    {
        var id = "vm-" + Guid.NewGuid();
        var requested = await Ledger.RecordRequestedAsync(id, Spec("asked"), None);
        await ReadAtBlockAfterAsync(id, requested.BlockNumber - 1);

        // Another replica may have recorded the change the store shows in a block after the head this one knows.
        var read = await Ledger.ReadAsync(id, DateTimeOffset.UtcNow, None);

        Assert.Null(read.Block);
        Assert.Equal(OnChainResourceState.Requested, read.Record!.State);
    }

    [Fact]
    public async Task A_resource_the_chain_holds_nothing_of_reads_as_nothing_at_the_head()
    {
        var head = await HeadAsync();
        var read = await ReadAtBlockAfterAsync("vm-" + Guid.NewGuid(), head - 1);
        Assert.Null(read.Record);
    }

    [Fact]
    public async Task With_the_cache_off_every_read_is_of_the_latest_state_and_names_no_block()
    {
        using var dir = new TempDirectory();
        await using var host = await LedgerHost.CreateAsync(dir.Path, new Dictionary<string, string?> { ["Ledger:RecordCache:Enabled"] = "false" });
        var poller = host.Services.GetServices<IHostedService>().OfType<ChainHeadPoller>().Single();
        await poller.StartAsync(None);
        var ledger = host.Services.GetRequiredService<IResourceLedger>();
        var id = "vm-" + Guid.NewGuid();
        await ledger.RecordRequestedAsync(id, Spec("asked"), None);

        var read = await ledger.ReadAsync(id, LongAgo, None);
        await poller.StopAsync(None);

        Assert.Null(read.Block);
        Assert.Equal(OnChainResourceState.Requested, read.Record!.State);
    }
}
