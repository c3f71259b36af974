using System.Numerics;
using System.Text.Json;
using Sankofa.Core;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Gateway;

// The watcher: finds receipts for what is in flight and moves a stalled pipeline (re-broadcast, gap fill, mining).
internal sealed partial class LedgerGateway
{
    private async Task WatchLoopAsync(CancellationToken stop)
    {
        var failures = 0;
        var wait = _options.ReceiptPollInterval;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (failures == 0)
                {
                    // After a broadcast, look at once and again after 1, 2, 4, ... ms up to the poll interval: an
                    // instant-mining chain has the block within milliseconds, not always by the time it answers the broadcast.
                    var woken = await WaitForPollAsync(wait, stop).ConfigureAwait(false);
                    var next = woken ? TimeSpan.FromMilliseconds(1) : wait * 2;
                    wait = next < _options.ReceiptPollInterval ? next : _options.ReceiptPollInterval;
                }
                else
                {
                    // A failing node is not asked again early, broadcasts or not.
                    await Task.Delay(Backoff(failures), _time, stop).ConfigureAwait(false);
                }

                await CheckInFlightAsync(stop).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (LedgerUnavailableException ex)
            {
                failures++;
                Failed("transport", ex);
            }
            catch (Exception ex) when (ex is JsonRpcException or FormatException or InvalidOperationException or KeyNotFoundException)
            {
                failures++;
                Failed("watcher", ex);
            }
        }
    }

    /// <summary>Waits <paramref name="interval"/>, or less when transactions are broadcast meanwhile; true when a broadcast cut it short.</summary>
    private async Task<bool> WaitForPollAsync(TimeSpan interval, CancellationToken stop)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var broadcast = _broadcasted.WaitAsync(poll.Token);
        var first = await Task.WhenAny(Task.Delay(interval, _time, poll.Token), broadcast).ConfigureAwait(false);
        await poll.CancelAsync().ConfigureAwait(false);
        stop.ThrowIfCancellationRequested();
        return first == broadcast && broadcast.IsCompletedSuccessfully;
    }

    private async Task CheckInFlightAsync(CancellationToken stop)
    {
        List<PendingTransaction> snapshot;
        lock (_gate)
        {
            if (_inFlight.Count == 0)
            {
                return;
            }

            snapshot = [.. _inFlight.Values];
        }

        var waiting = new List<PendingTransaction>();
        foreach (var chunk in snapshot.Chunk(ReceiptBatchSize))
        {
            var results = await _rpc.BatchAsync(chunk.Select(p => new JsonRpcCall("eth_getTransactionReceipt", p.Signed!.Hash)).ToArray(), stop).ConfigureAwait(false);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (results[i].Error is null && results[i].Value.ValueKind == JsonValueKind.Object)
                {
                    Complete(chunk[i], ParseReceipt(results[i].Value));
                }
                else
                {
                    waiting.Add(chunk[i]);
                }
            }
        }

        if (waiting.Count == 0)
        {
            return;
        }

        await MineIfStalledAsync(waiting, stop).ConfigureAwait(false);

        // A transaction the node called "nonce too low" and that has no receipt was displaced (another sender used
        // the key, or the node lost it and something else took the nonce): sign it again with a fresh nonce.
        if (waiting.Any(p => p.Stale))
        {
            var mined = Hex.ToLong(await _rpc.CallAsync("eth_getTransactionCount", stop, _signer.Address, "latest").ConfigureAwait(false));
            var stale = waiting.Where(p => p.Stale).ToArray();
            foreach (var pending in stale)
            {
                pending.Stale = false;
            }

            // Receipts read again after the count: one mined between the look-up above and the count is this
            // transaction itself, not a displaced one, and signing its batch again would only revert. A node may also
            // count a mined nonce well before it serves the receipt (a busy anvil takes seconds per block), and a
            // transaction signed again after being mined runs twice (the second refused: a custody transfer answered
            // NotCustodian), so only a transaction still without a receipt a while after its nonce was mined resigns;
            // one that never reached a pool cannot have been mined and resigns at once.
            var seen = _time.GetUtcNow();
            var gone = stale.Where(p => p.Signed!.Nonce < mined).ToArray();
            IReadOnlyList<JsonRpcResult> receipts = gone.Length == 0
                ? []
                : await _rpc.BatchAsync([.. gone.Select(p => new JsonRpcCall("eth_getTransactionReceipt", p.Signed!.Hash))], stop).ConfigureAwait(false);
            for (var i = 0; i < gone.Length; i++)
            {
                var pending = gone[i];
                if (receipts[i].Error is null && receipts[i].Value.ValueKind == JsonValueKind.Object)
                {
                    waiting.Remove(pending);
                    Complete(pending, ParseReceipt(receipts[i].Value));
                }
                else if (pending.MayBeOnChain && (pending.MaybeDisplacedSince is not { } since || seen - since < _options.DisplacedAfter))
                {
                    pending.MaybeDisplacedSince ??= seen;
                    pending.Stale = true;
                }
                else
                {
                    waiting.Remove(pending);
                    pending.MaybeDisplacedSince = null;
                    Resign(pending, mined);
                }
            }
        }

        if (waiting.Any(p => p.NeedsReprice))
        {
            await EnsureNonceAndGasPriceAsync(stop).ConfigureAwait(false);
            lock (_gate)
            {
                foreach (var pending in waiting.Where(p => p.NeedsReprice))
                {
                    // Same nonce, new price: replaces the underpriced one rather than opening a gap.
                    pending.NeedsReprice = false;
                    Sign(pending, pending.Signed!.Nonce);
                }
            }
        }

        var now = _time.GetUtcNow();
        var due = waiting.Where(p => !p.Accepted || now - p.LastBroadcast >= Backoff(p.Attempts)).ToList();
        if (due.Any(p => p.Accepted))
        {
            await FillNonceGapAsync(stop).ConfigureAwait(false);
        }

        if (due.Count > 0)
        {
            Log.Rebroadcasting(_logger, due.Count, due[0].Signed!.Nonce);
            await BroadcastAsync(due, stop).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// anvil's instant miner can miss transactions that reach its pool while it is mining a block (foundry-rs/foundry#10122):
    /// they stay there, valid and ready, while later triggers mine empty blocks, so the pipeline stalls until a
    /// re-broadcast seconds later. On the embedded chain, a transaction accepted a while ago without a receipt gets an
    /// explicit evm_mine, which includes everything ready (receipts are read on the next round). The rest of the check
    /// still runs: a restarted anvil has lost its pool, and only the re-broadcast brings those transactions back.
    /// "A while" is 250 ms plus twice what the last evm_mine took: on a large state every block takes seconds (docs/chain.md),
    /// a transaction is then still being mined long after 250 ms, and an evm_mine meanwhile adds a block as costly as the
    /// one it waits for (measured: 12 empty blocks among 53 while registering 10,000 assets).
    /// </summary>
    private async Task MineIfStalledAsync(List<PendingTransaction> waiting, CancellationToken stop)
    {
        if (!_mineWhenStalled)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var threshold = StalledMinerThreshold + (2 * _lastMineDuration);
        var stalled = waiting.Count(p => p.Accepted && now - p.LastBroadcast >= threshold);
        if (stalled > 0)
        {
            Log.MiningStalled(_logger, stalled);
            var started = _time.GetTimestamp();
            await _rpc.CallAsync("evm_mine", stop).ConfigureAwait(false);
            _lastMineDuration = _time.GetElapsedTime(started);
        }
    }

    /// <summary>
    /// Transactions waiting long is the sign of a gap: nonces below the lowest in-flight one that the chain never
    /// mined (an embedded chain that crashed lost its last blocks). Fill them with transfers to self so the queue moves.
    /// With replicas such a nonce may be another replica's transaction still in the node's pool: under the key's lock,
    /// only nonces below the pending count (mined or pooled) are taken, the rest are the gap.
    /// </summary>
    private async Task FillNonceGapAsync(CancellationToken stop)
    {
        var held = await AcquireSignerLockAsync(stop).ConfigureAwait(false);
        try
        {
            var taken = Hex.ToLong(await _rpc.CallAsync("eth_getTransactionCount", stop, _signer.Address, held is null ? "latest" : "pending").ConfigureAwait(false));
            var fillers = new List<PendingTransaction>();
            lock (_gate)
            {
                if (_inFlight.Count == 0)
                {
                    return;
                }

                var lowest = _inFlight.Keys.First();
                for (var nonce = taken; nonce < lowest; nonce++)
                {
                    fillers.Add(NewFiller(nonce));
                }
            }

            if (fillers.Count > 0)
            {
                Log.FillingGap(_logger, taken, fillers.Count);
                await BroadcastAsync(fillers, stop).ConfigureAwait(false);
            }
        }
        finally
        {
            await ReleaseAsync(held).ConfigureAwait(false);
        }
    }

    /// <summary>A transfer to self at a given nonce, tracked as in flight. Caller holds <see cref="_gate"/>.</summary>
    private PendingTransaction NewFiller(long nonce)
    {
        var filler = new PendingTransaction(new TransactionRequest($"nonce-filler:{nonce}", _signer.Address, [], 21_000))
        {
            IsFiller = true,
            Signed = _signer.Sign(new UnsignedTransaction(nonce, _signer.Address, [], 21_000, _gasPrice, BigInteger.Zero)),
            SignedAt = _time.GetTimestamp(),
        };
        _inFlight[nonce] = filler;
        return filler;
    }

    private TimeSpan Backoff(int attempts)
    {
        var wait = RetryBackoff.Delay(attempts, _options.RetryBackoff, _options.MaxRetryBackoff);
        return wait < _options.ReceiptPollInterval ? _options.ReceiptPollInterval : wait;
    }

    internal static TransactionReceipt ParseReceipt(JsonElement receipt)
    {
        var logs = new List<ReceiptLog>();
        if (receipt.TryGetProperty("logs", out var logArray) && logArray.ValueKind == JsonValueKind.Array)
        {
            foreach (var log in logArray.EnumerateArray())
            {
                logs.Add(new ReceiptLog(
                    log.GetProperty("address").GetString()!,
                    log.GetProperty("topics").EnumerateArray().Select(t => t.GetString()!).ToArray(),
                    log.GetProperty("data").GetString()!));
            }
        }

        var contract = receipt.TryGetProperty("contractAddress", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        var status = receipt.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? Hex.ToLong(s) : 1;
        return new TransactionReceipt(
            receipt.GetProperty("transactionHash").GetString()!,
            Hex.ToLong(receipt.GetProperty("blockNumber")),
            status == 1,
            contract,
            receipt.TryGetProperty("gasUsed", out var g) ? Hex.ToLong(g) : 0,
            logs);
    }
}
