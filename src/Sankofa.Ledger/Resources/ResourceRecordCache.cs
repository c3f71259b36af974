using System.Collections.Concurrent;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Resources;

/// <summary>
/// The chain's records of resources as read at the head block <see cref="ChainHeadPoller"/> last saw: a state at a block
/// never changes, so a record read there answers every read until the head moves, and is then read again at the new
/// head. Reads name the block by its hash, so what is kept is exactly what anyone asking the chain for that block gets.
/// While the head is not known (a transaction of this process was just confirmed, the chain did not answer, or the
/// cache is off), or the store changed the resource shortly before the head was asked for (another replica may have
/// recorded that change in a later block), the latest state is read and nothing is kept.
/// </summary>
internal sealed class ResourceRecordCache(LedgerRuntime runtime, LedgerRecordCacheOptions options)
{
    private readonly ConcurrentDictionary<string, Kept> _kept = new(StringComparer.Ordinal);

    private sealed record Kept(ChainHead.Block Block, OnChainResource? Record);

    public async Task<OnChainRead> ReadAsync(string resourceId, DateTimeOffset storeChangedAt, CancellationToken cancellationToken)
    {
        var connection = runtime.Connection;
        if (!options.Enabled || runtime.Head.Current is not { } head || head.Generation != runtime.Generation
            || head.AskedAt - options.RecentChangeMargin <= storeChangedAt)
        {
            return new OnChainRead(await ResourceRegistryCalls.GetAsync(connection.Rpc, connection.ResourceRegistryAddress, resourceId, cancellationToken).ConfigureAwait(false), null);
        }

        if (_kept.TryGetValue(resourceId, out var kept) && kept.Block == head)
        {
            return new OnChainRead(kept.Record, head.Number);
        }

        OnChainResource? record;
        try
        {
            record = await ResourceRegistryCalls.GetAtBlockAsync(connection.Rpc, connection.ResourceRegistryAddress, resourceId, head.Hash, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonRpcException)
        {
            // The node no longer has that block's state (pruned, or the chain was replaced): the latest state, not kept.
            return new OnChainRead(await ResourceRegistryCalls.GetAsync(connection.Rpc, connection.ResourceRegistryAddress, resourceId, cancellationToken).ConfigureAwait(false), null);
        }

        if (_kept.Count >= options.MaxEntries)
        {
            _kept.Clear();
        }

        _kept[resourceId] = new Kept(head, record);
        return new OnChainRead(record, head.Number);
    }
}
