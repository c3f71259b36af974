using System.Numerics;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Gateway;

// Nonces, gas price and the bookkeeping of each transaction from signing to its receipt or rejection.
internal sealed partial class LedgerGateway
{
    /// <summary>
    /// Reads the next nonce from the chain's pending count the first time, and every time when <paramref name="resync"/>
    /// (replicas: another one signed meanwhile); never goes below the local next nonce, which our own transactions hold.
    /// </summary>
    private async Task EnsureNonceAndGasPriceAsync(CancellationToken stop, bool resync = false)
    {
        var first = Volatile.Read(ref _nextNonce) < 0;
        if (first || resync)
        {
            var nonce = Hex.ToLong(await _rpc.CallAsync("eth_getTransactionCount", stop, _signer.Address, "pending").ConfigureAwait(false));
            lock (_gate)
            {
                _nextNonce = Math.Max(_nextNonce, nonce);
            }

            if (first)
            {
                Log.NonceSynchronised(_logger, _signer.Address, nonce);
            }
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

    /// <summary>Stops tracking a filler whose nonce turned out taken.</summary>
    private void Drop(PendingTransaction filler)
    {
        lock (_gate)
        {
            if (_inFlight.TryGetValue(filler.Signed!.Nonce, out var current) && ReferenceEquals(current, filler))
            {
                _inFlight.Remove(filler.Signed.Nonce);
            }
        }

        if (filler.HoldsCapacity)
        {
            filler.HoldsCapacity = false;
            _capacity.Release();
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

        // Before the sender goes on: a read it makes next must not be answered from the block before its receipt.
        _confirmed?.Invoke();
        pending.Completion.TrySetResult(receipt);
    }
}
