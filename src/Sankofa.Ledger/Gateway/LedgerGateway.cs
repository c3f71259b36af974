using System.Numerics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Sankofa.Core;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Gateway;

/// <summary>
/// Sends transactions for one signing key, pipelined: nonces are assigned locally so hundreds of transactions can be
/// in flight at once, raw transactions and receipt look-ups travel in JSON-RPC batches, and a watcher re-broadcasts
/// anything that has no receipt yet (with exponential backoff) so a restarted node or a lost request never leaves a
/// nonce gap. Operation ids make a re-send of the same intent join the one already in flight. Completed operations
/// are deliberately not cached: after a chain rollback a cached receipt would claim something the chain no longer
/// holds, and a later re-send is harmless because the contracts are idempotent.
/// </summary>
internal sealed partial class LedgerGateway : IAsyncDisposable
{
    private const int SendBatchSize = 100;
    private const int ReceiptBatchSize = 200;

    // An instant-mining anvil includes a transaction within milliseconds; one accepted this long ago without a receipt was missed.
    private static readonly TimeSpan StalledMinerThreshold = TimeSpan.FromMilliseconds(250);

    private readonly JsonRpcClient _rpc;
    private readonly TransactionSigner _signer;
    private readonly LedgerOptions _options;
    private readonly LedgerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _mineWhenStalled;
    private readonly Channel<PendingTransaction> _outbox = Channel.CreateUnbounded<PendingTransaction>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PendingTransaction> _byOperation = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, PendingTransaction> _inFlight = [];
    private readonly SemaphoreSlim _capacity;

    // Released after a broadcast so the watcher looks for receipts at once: an instant-mining chain has them within
    // milliseconds, and sitting out the poll interval would dominate a caller that waits for each transaction.
    private readonly SemaphoreSlim _broadcasted = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sender;
    private readonly Task _watcher;
    private long _nextNonce = -1;
    private BigInteger _gasPrice = -1;
    private DateTimeOffset _gasPriceReadAt;
    private int _queued;
    private volatile string? _lastError;

    public LedgerGateway(JsonRpcClient rpc, TransactionSigner signer, LedgerOptions options, LedgerMetrics metrics, TimeProvider time, ILogger logger)
    {
        // No RPC URL means the embedded anvil; without a block time it mines instantly (see MineIfStalledAsync).
        _mineWhenStalled = options.RpcUrl is null && options.BlockTimeSeconds is not > 0;
        _rpc = rpc;
        _signer = signer;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _capacity = new SemaphoreSlim(Math.Max(1, options.MaxPendingTransactions));
        metrics.ObservePending(() => Volatile.Read(ref _queued) + InFlightCount);
        _sender = Task.Run(() => SendLoopAsync(_stop.Token), CancellationToken.None);
        _watcher = Task.Run(() => WatchLoopAsync(_stop.Token), CancellationToken.None);
    }

    public string SignerAddress => _signer.Address;

    /// <summary>The control plane's signer; credentials are signed with its key too, so the control plane has one identity.</summary>
    public TransactionSigner Signer => _signer;

    /// <summary>Transactions signed and sent but not yet in a block.</summary>
    public int InFlightCount
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count;
            }
        }
    }

    /// <summary>
    /// Gets the transaction into a block and returns its receipt (also when it reverted). Waits at most
    /// <see cref="LedgerOptions.ConfirmationTimeout"/>, then throws <see cref="LedgerUnavailableException"/>; the transaction
    /// stays tracked, and calling again with the same operation id waits for the same one.
    /// </summary>
    public async Task<TransactionReceipt> SendAsync(TransactionRequest request, CancellationToken cancellationToken)
    {
        PendingTransaction pending;
        lock (_gate)
        {
            if (!_byOperation.TryGetValue(request.OperationId, out pending!))
            {
                pending = new PendingTransaction(request);
                _byOperation.Add(request.OperationId, pending);
                Interlocked.Increment(ref _queued);
                _outbox.Writer.TryWrite(pending);
            }
        }

        try
        {
            return await pending.Completion.Task.WaitAsync(_options.ConfirmationTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new LedgerUnavailableException(
                $"Transaction for '{request.OperationId}' was not confirmed within {_options.ConfirmationTimeout}; it stays queued. Last error: {_lastError ?? "none"}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _outbox.Writer.TryComplete();
        await Task.WhenAll(_sender, _watcher).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_gate)
        {
            foreach (var pending in _byOperation.Values)
            {
                pending.Completion.TrySetException(new LedgerUnavailableException("The ledger gateway stopped."));
            }

            _byOperation.Clear();
            _inFlight.Clear();
        }

        _stop.Dispose();
        _capacity.Dispose();
        _broadcasted.Dispose();
    }

    private async Task SendLoopAsync(CancellationToken stop)
    {
        var batch = new List<PendingTransaction>(SendBatchSize);
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < SendBatchSize && _outbox.Reader.TryRead(out var pending))
                {
                    if (!pending.HoldsCapacity)
                    {
                        await _capacity.WaitAsync(stop).ConfigureAwait(false);
                        pending.HoldsCapacity = true;
                    }

                    batch.Add(pending);
                }

                try
                {
                    await EnsureNonceAndGasPriceAsync(stop).ConfigureAwait(false);
                }
                catch (LedgerUnavailableException ex)
                {
                    // Nothing was signed yet: put the batch back and wait before asking the node again.
                    Failed("transport", ex);
                    foreach (var pending in batch)
                    {
                        _outbox.Writer.TryWrite(pending);
                    }

                    await Task.Delay(_options.RetryBackoff, _time, stop).ConfigureAwait(false);
                    continue;
                }

                lock (_gate)
                {
                    foreach (var pending in batch)
                    {
                        SignNext(pending);
                    }
                }

                Interlocked.Add(ref _queued, -batch.Count);
                await BroadcastAsync(batch, stop).ConfigureAwait(false);

                // Only this loop releases, so the count cannot change between the check and the release.
                if (_broadcasted.CurrentCount == 0)
                {
                    _broadcasted.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

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
            foreach (var pending in waiting.Where(p => p.Stale).ToArray())
            {
                pending.Stale = false;
                if (pending.Signed!.Nonce < mined)
                {
                    waiting.Remove(pending);
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
    /// </summary>
    private async Task MineIfStalledAsync(List<PendingTransaction> waiting, CancellationToken stop)
    {
        if (!_mineWhenStalled)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var stalled = waiting.Count(p => p.Accepted && now - p.LastBroadcast >= StalledMinerThreshold);
        if (stalled > 0)
        {
            Log.MiningStalled(_logger, stalled);
            await _rpc.CallAsync("evm_mine", stop).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Transactions waiting long is the sign of a gap: nonces below the lowest in-flight one that the chain never
    /// mined (an embedded chain that crashed lost its last blocks). Fill them with transfers to self so the queue moves.
    /// </summary>
    private async Task FillNonceGapAsync(CancellationToken stop)
    {
        var mined = Hex.ToLong(await _rpc.CallAsync("eth_getTransactionCount", stop, _signer.Address, "latest").ConfigureAwait(false));
        var fillers = new List<PendingTransaction>();
        lock (_gate)
        {
            if (_inFlight.Count == 0)
            {
                return;
            }

            var lowest = _inFlight.Keys.First();
            for (var nonce = mined; nonce < lowest; nonce++)
            {
                fillers.Add(NewFiller(nonce));
            }
        }

        if (fillers.Count > 0)
        {
            Log.FillingGap(_logger, mined, fillers.Count);
            await BroadcastAsync(fillers, stop).ConfigureAwait(false);
        }
    }

    /// <summary>A transfer to self at a given nonce, tracked as in flight. Caller holds <see cref="_gate"/>.</summary>
    private PendingTransaction NewFiller(long nonce)
    {
        var filler = new PendingTransaction(new TransactionRequest($"nonce-filler:{nonce}", _signer.Address, [], 21_000))
        {
            Signed = _signer.Sign(new UnsignedTransaction(nonce, _signer.Address, [], 21_000, _gasPrice, BigInteger.Zero)),
            SignedAt = _time.GetTimestamp(),
        };
        _inFlight[nonce] = filler;
        return filler;
    }

    private async Task BroadcastAsync(List<PendingTransaction> batch, CancellationToken stop)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        IReadOnlyList<JsonRpcResult> results;
        try
        {
            results = await _rpc.BatchAsync(batch.Select(p => new JsonRpcCall("eth_sendRawTransaction", p.Signed!.RawHex)).ToArray(), stop).ConfigureAwait(false);
        }
        catch (LedgerUnavailableException ex)
        {
            // The watcher re-broadcasts these with backoff; their nonces stay reserved.
            Failed("transport", ex);
            foreach (var pending in batch)
            {
                pending.LastBroadcast = now;
                pending.Attempts++;
            }

            return;
        }

        var accepted = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            pending.LastBroadcast = now;
            pending.Attempts++;
            var error = results[i].Error;
            if (error is null || IsAlreadyKnown(error.Message))
            {
                if (!pending.Accepted)
                {
                    accepted++;
                }

                pending.Accepted = true;
            }
            else if (IsNonceTooLow(error.Message))
            {
                // Maybe mined already (receipt pending), maybe displaced: the watcher decides.
                pending.Stale = true;
            }
            else if (IsUnderpriced(error.Message))
            {
                Failed("underpriced", error);
                _gasPriceReadAt = DateTimeOffset.MinValue;
                pending.NeedsReprice = true;
            }
            else
            {
                Failed("rejected", error);
                Reject(pending, error);
            }
        }

        if (accepted > 0)
        {
            _metrics.Sent(accepted);
        }
    }

    private async Task EnsureNonceAndGasPriceAsync(CancellationToken stop)
    {
        if (Volatile.Read(ref _nextNonce) < 0)
        {
            var nonce = Hex.ToLong(await _rpc.CallAsync("eth_getTransactionCount", stop, _signer.Address, "pending").ConfigureAwait(false));
            lock (_gate)
            {
                _nextNonce = Math.Max(_nextNonce, nonce);
            }

            Log.NonceSynchronised(_logger, _signer.Address, nonce);
        }

        if (_gasPrice < 0 || _time.GetUtcNow() - _gasPriceReadAt > TimeSpan.FromSeconds(30))
        {
            var price = Hex.ToBigInteger((await _rpc.CallAsync("eth_gasPrice", stop).ConfigureAwait(false)).GetString() ?? "0x0");
            // Headroom so a rising base fee does not strand transactions signed at the old price.
            _gasPrice = price * 2;
            _gasPriceReadAt = _time.GetUtcNow();
        }
    }

    /// <summary>Signs with the next local nonce. Caller holds <see cref="_gate"/>.</summary>
    private void SignNext(PendingTransaction pending) => Sign(pending, _nextNonce++);

    /// <summary>Signs at a given nonce and tracks it as in flight. Caller holds <see cref="_gate"/>.</summary>
    private void Sign(PendingTransaction pending, long nonce)
    {
        var request = pending.Request;
        var unsigned = new UnsignedTransaction(nonce, request.To, request.Data, request.GasLimit, _gasPrice, BigInteger.Zero)
        {
            MaxPriorityFeePerGas = _options.UseEip1559 ? BigInteger.Min(_gasPrice, 1_000_000_000) : null,
        };
        pending.Signed = _signer.Sign(unsigned);
        pending.SignedAt = _time.GetTimestamp();
        pending.Accepted = false;
        pending.Attempts = 0;
        _inFlight[nonce] = pending;
    }

    private void Resign(PendingTransaction pending, long minedNonce)
    {
        lock (_gate)
        {
            if (_inFlight.TryGetValue(pending.Signed!.Nonce, out var current) && ReferenceEquals(current, pending))
            {
                _inFlight.Remove(pending.Signed.Nonce);
            }

            _nextNonce = Math.Max(_nextNonce, minedNonce);
            Log.Resigning(_logger, pending.Request.OperationId, pending.Signed.Nonce);
            Interlocked.Increment(ref _queued);
            _outbox.Writer.TryWrite(pending);
        }
    }

    private void Reject(PendingTransaction pending, JsonRpcException error)
    {
        lock (_gate)
        {
            // The node refused this transaction, so its nonce is free: fill it with a transfer to self, otherwise
            // every later transaction would wait behind the gap forever.
            var filler = NewFiller(pending.Signed!.Nonce);
            filler.HoldsCapacity = pending.HoldsCapacity;
            pending.HoldsCapacity = false;
            _byOperation.Remove(pending.Request.OperationId);
            pending.Completion.TrySetException(new InvalidOperationException($"The node rejected the transaction for '{pending.Request.OperationId}': {error.Message}", error));
        }
    }

    private void Complete(PendingTransaction pending, TransactionReceipt receipt)
    {
        lock (_gate)
        {
            if (_inFlight.TryGetValue(pending.Signed!.Nonce, out var current) && ReferenceEquals(current, pending))
            {
                _inFlight.Remove(pending.Signed.Nonce);
            }

            if (_byOperation.TryGetValue(pending.Request.OperationId, out var byId) && ReferenceEquals(byId, pending))
            {
                _byOperation.Remove(pending.Request.OperationId);
            }
        }

        if (pending.HoldsCapacity)
        {
            pending.HoldsCapacity = false;
            _capacity.Release();
        }

        _metrics.Confirmed(_time.GetElapsedTime(pending.SignedAt));
        if (!receipt.Succeeded)
        {
            _metrics.Error("reverted");
        }

        pending.Completion.TrySetResult(receipt);
    }

    private TimeSpan Backoff(int attempts)
    {
        var wait = RetryBackoff.Delay(attempts, _options.RetryBackoff, _options.MaxRetryBackoff);
        return wait < _options.ReceiptPollInterval ? _options.ReceiptPollInterval : wait;
    }

    private void Failed(string kind, Exception ex)
    {
        _metrics.Error(kind);
        _lastError = ex.Message;
        Log.GatewayError(_logger, kind, ex.Message);
    }

    private static bool IsAlreadyKnown(string message) =>
        message.Contains("already known", StringComparison.OrdinalIgnoreCase)
        || message.Contains("known transaction", StringComparison.OrdinalIgnoreCase)
        || message.Contains("already imported", StringComparison.OrdinalIgnoreCase)
        || message.Contains("already in pool", StringComparison.OrdinalIgnoreCase);

    private static bool IsNonceTooLow(string message) =>
        message.Contains("nonce too low", StringComparison.OrdinalIgnoreCase)
        || message.Contains("NONCE_TOO_LOW", StringComparison.OrdinalIgnoreCase)
        || message.Contains("nonce is too low", StringComparison.OrdinalIgnoreCase);

    private static bool IsUnderpriced(string message) =>
        message.Contains("underpriced", StringComparison.OrdinalIgnoreCase)
        || message.Contains("fee cap", StringComparison.OrdinalIgnoreCase)
        || message.Contains("less than block base fee", StringComparison.OrdinalIgnoreCase)
        || message.Contains("GAS_PRICE_TOO_LOW", StringComparison.OrdinalIgnoreCase);

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

    private sealed class PendingTransaction(TransactionRequest request)
    {
        public TransactionRequest Request { get; } = request;

        public TaskCompletionSource<TransactionReceipt> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SignedTransactionBytes? Signed { get; set; }

        public long SignedAt { get; set; }

        /// <summary>The node accepted it into its pool at least once.</summary>
        public bool Accepted { get; set; }

        /// <summary>The node said "nonce too low"; the watcher checks whether it was mined or displaced.</summary>
        public bool Stale { get; set; }

        public bool HoldsCapacity { get; set; }

        /// <summary>The node found the gas price too low; sign again at the same nonce with a fresh price.</summary>
        public bool NeedsReprice { get; set; }

        public int Attempts { get; set; }

        public DateTimeOffset LastBroadcast { get; set; }
    }
}
