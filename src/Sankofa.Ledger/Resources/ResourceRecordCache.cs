using System.Collections.Concurrent;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Resources;

/// <summary>
/// The chain's records of resources, kept as of the head block <see cref="ChainHeadPoller"/> last saw. A record is read
/// at a block named by its hash, so it is exactly what anyone asking the chain for that block gets. When the head moves,
/// the registry's logs of the new blocks are read once: a resource's record changes only in a transition, and every
/// transition emits one of <see cref="ResourceLedger.ResourceEventTopics"/> with the resource's key as its first topic,
/// so the records of the resources those logs name are dropped and every other one holds at the new head as well. Any
/// other log of the registry (a site failed over, a key, an upgrade, a pause) drops them all.
/// While the head is not known (a transaction of this process was just confirmed, the chain did not answer, or the
/// cache is off), or the store changed the resource shortly before the head was asked for (another replica may have
/// recorded that change in a later block), the latest state is read and nothing is kept.
/// </summary>
internal sealed class ResourceRecordCache(LedgerRuntime runtime, LedgerRecordCacheOptions options)
{
    private static readonly HashSet<string> TransitionTopics = new(ResourceLedger.ResourceEventTopics, StringComparer.OrdinalIgnoreCase);

    private readonly ConcurrentDictionary<string, Kept> _kept = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _following = new(1, 1);
    private readonly Lock _gate = new();
    private ChainHead.Block? _validAt; // every kept record is the chain's at this block

    private sealed record Kept(string Key, OnChainResource? Record);

    public async Task<OnChainRead> ReadAsync(string resourceId, DateTimeOffset storeChangedAt, CancellationToken cancellationToken)
    {
        var connection = runtime.Connection;
        if (!options.Enabled || runtime.Head.Current is not { } head || head.Generation != runtime.Generation
            || head.AskedAt - options.RecentChangeMargin <= storeChangedAt)
        {
            return new OnChainRead(await ResourceRegistryCalls.GetAsync(connection.Rpc, connection.ResourceRegistryAddress, resourceId, cancellationToken).ConfigureAwait(false), null);
        }

        if (!Same(Volatile.Read(ref _validAt), head))
        {
            await FollowAsync(connection, head, cancellationToken).ConfigureAwait(false);
        }

        if (Same(Volatile.Read(ref _validAt), head) && _kept.TryGetValue(resourceId, out var kept))
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

        lock (_gate)
        {
            // Kept only while the records are as of the block it was read at: once they follow a newer head, the logs
            // read for that one may have named this resource.
            if (Same(_validAt, head))
            {
                if (_kept.Count >= options.MaxEntries)
                {
                    _kept.Clear();
                }

                _kept[resourceId] = new Kept(Hex.Bytes(LedgerIds.Of(resourceId)), record);
            }
        }

        return new OnChainRead(record, head.Number);
    }

    /// <summary>Brings the kept records from the block they are as of to <paramref name="head"/>; one reader does it, the others wait for it.</summary>
    private async Task FollowAsync(LedgerConnection connection, ChainHead.Block head, CancellationToken cancellationToken)
    {
        await _following.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var from = Volatile.Read(ref _validAt);
            if (Same(from, head))
            {
                return;
            }

            // Another chain, a head behind or beside the one followed (a reorganisation), or too far to read: start again.
            if (from is null || from.Generation != head.Generation || head.Number <= from.Number || head.Number - from.Number > ChainLogs.MaxBlocksPerCall)
            {
                MoveTo(head, null);
                return;
            }

            var logs = await ChainLogs.GetAsync(connection.Rpc, connection.ResourceRegistryAddress, [], from.Number + 1, head.Number, cancellationToken).ConfigureAwait(false);
            var touched = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var log in logs)
            {
                var topics = log.GetProperty("topics");
                if (topics.GetArrayLength() < 2 || !TransitionTopics.Contains(topics[0].GetString()!))
                {
                    MoveTo(head, null);
                    return;
                }

                touched.Add(topics[1].GetString()!);
            }

            MoveTo(head, touched);
        }
        catch (Exception ex) when (ex is JsonRpcException or LedgerUnavailableException)
        {
            // The logs could not be read: nothing kept can be vouched for at the new head.
            MoveTo(head, null);
        }
        finally
        {
            _following.Release();
        }
    }

    // One block, whenever it was asked for: the poller finds the same head again and again while the chain mines nothing.
    private static bool Same(ChainHead.Block? a, ChainHead.Block b) => a is not null && a.Hash == b.Hash && a.Generation == b.Generation;

    /// <summary>The kept records are as of <paramref name="head"/>, less those of <paramref name="touched"/> (all of them when null).</summary>
    private void MoveTo(ChainHead.Block head, HashSet<string>? touched)
    {
        lock (_gate)
        {
            if (touched is null)
            {
                _kept.Clear();
            }
            else if (touched.Count > 0)
            {
                foreach (var (resourceId, kept) in _kept)
                {
                    if (touched.Contains(kept.Key))
                    {
                        _kept.TryRemove(resourceId, out _);
                    }
                }
            }

            Volatile.Write(ref _validAt, head);
        }
    }
}
