using System.Diagnostics;
using System.Numerics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Sankofa.Core.Ledger;
using Sankofa.Core.Replicas;
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
/// Replicas of the control plane share its one key: with locks that span processes, each batch is signed and broadcast
/// under the key's replica lock with the nonce read again from the chain's pending count, so no two replicas sign the
/// same nonce; alone (SQLite, one process) nothing of that runs and nonces stay local.
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
    private readonly IReplicaLocks? _replicas; // null when no other process signs with this key
    private readonly Action? _confirmed; // told of every receipt before its sender is: the head moved
    private readonly string _signerLock;
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
    private TimeSpan _lastMineDuration; // the watcher's alone

    public LedgerGateway(
        JsonRpcClient rpc, TransactionSigner signer, LedgerOptions options, LedgerMetrics metrics, TimeProvider time, ILogger logger, IReplicaLocks? replicas = null,
        Action? confirmed = null)
    {
        _confirmed = confirmed;
        _replicas = replicas is { SpansProcesses: true } ? replicas : null;
        _signerLock = "ledger-signer:" + signer.Address.ToLowerInvariant();
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
        // The loops serve every caller: they must not run inside the span of whichever request first needed the gateway.
        _sender = Task.Run(() =>
        {
            Activity.Current = null;
            return SendLoopAsync(_stop.Token);
        }, CancellationToken.None);
        _watcher = Task.Run(() =>
        {
            Activity.Current = null;
            return WatchLoopAsync(_stop.Token);
        }, CancellationToken.None);

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

        using var span = LedgerTracing.Source.StartActivity("chain transaction", ActivityKind.Client);
        span?.SetTag(LedgerTracing.OperationAttribute, request.OperationId);
        try
        {
            var receipt = await pending.Completion.Task.WaitAsync(_options.ConfirmationTimeout, _time, cancellationToken).ConfigureAwait(false);
            if (span is not null)
            {
                span.SetTag(LedgerTracing.TransactionHashAttribute, receipt.TransactionHash);
                span.SetTag("sankofa.chain.block", receipt.BlockNumber);
                span.SetTag("sankofa.chain.succeeded", receipt.Succeeded);
                if (!receipt.Succeeded)
                {
                    span.SetStatus(ActivityStatusCode.Error, "reverted");
                }
            }

            return receipt;
        }
        catch (TimeoutException ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, "not confirmed in time");
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

                IReplicaLock? held = null;
                try
                {
                    held = await AcquireSignerLockAsync(stop).ConfigureAwait(false);
                    // Under the lock the pending count includes every other replica's transactions: they were broadcast before it was released.
                    await EnsureNonceAndGasPriceAsync(stop, resync: held is not null).ConfigureAwait(false);
                }
                catch (LedgerUnavailableException ex)
                {
                    // Nothing was signed yet: put the batch back and wait before asking the node again.
                    await ReleaseAsync(held).ConfigureAwait(false);
                    Failed("transport", ex);
                    foreach (var pending in batch)
                    {
                        _outbox.Writer.TryWrite(pending);
                    }

                    await Task.Delay(_options.RetryBackoff, _time, stop).ConfigureAwait(false);
                    continue;
                }
                catch
                {
                    // Never keep the other replicas from signing while this loop goes down.
                    await ReleaseAsync(held).ConfigureAwait(false);
                    throw;
                }

                try
                {
                    lock (_gate)
                    {
                        foreach (var pending in batch)
                        {
                            SignNext(pending);
                        }
                    }

                    Interlocked.Add(ref _queued, -batch.Count);
                    await BroadcastAsync(batch, stop).ConfigureAwait(false);
                }
                finally
                {
                    await ReleaseAsync(held).ConfigureAwait(false);
                }

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

    /// <summary>The key's replica lock when replicas share it (null alone); its store being away counts as the chain being away.</summary>
    private async Task<IReplicaLock?> AcquireSignerLockAsync(CancellationToken stop)
    {
        if (_replicas is null)
        {
            return null;
        }

        try
        {
            return await _replicas.AcquireAsync(_signerLock, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new LedgerUnavailableException($"The signer's replica lock could not be taken: {ex.Message}", ex);
        }
    }

    private static async Task ReleaseAsync(IReplicaLock? held)
    {
        if (held is not null)
        {
            await held.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Failed(string kind, Exception ex)
    {
        _metrics.Error(kind);
        _lastError = ex.Message;
        Log.GatewayError(_logger, kind, ex.Message);
    }
}
