using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Resources;

/// <summary>
/// Coalesces concurrent ResourceRegistry transitions into few transactions. Calls queue up; one loop takes everything
/// queued (up to <see cref="LedgerOptions.MaxTransitionsPerTransaction"/> calls and
/// <see cref="LedgerOptions.MaxTransitionGasPerTransaction"/> gas), checks the batch with one eth_call, sends it as one
/// <c>multicall</c> transaction through the gateway and completes every caller with the receipt. Exactly one batch is in
/// flight at a time, so calls land in the order they were made; while one batch is mined the next one accumulates, and
/// a batch is not sent sooner than <see cref="LedgerOptions.MinTransitionInterval"/> after the previous one.
/// </summary>
internal sealed partial class TransitionBatcher : IAsyncDisposable
{
    // Intrinsic cost of any transaction, and of a non-zero calldata byte (EIP-2028); zero bytes cost less. The registry
    // lives behind an ERC-1967 proxy: a transaction's first pass through it (cold implementation slot and address,
    // copying calldata) costs about 5k more, its later calls in a multicall a few hundred each, within their margins.
    private const long TransactionBaseGas = 21_000 + 8_000;
    private const long CalldataByteGas = 16;

    // How often a lingering batch looks whether it is full already.
    private static readonly TimeSpan LingerStep = TimeSpan.FromMilliseconds(10);

    private readonly LedgerRuntime _runtime;
    private readonly LedgerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<RegistryCall> _queue = Channel.CreateUnbounded<RegistryCall>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    // Calls in the queue (a single-reader channel cannot count them itself).
    private int _queued;

    public TransitionBatcher(LedgerRuntime runtime, LedgerOptions options, TimeProvider time, ILogger logger)
    {
        _runtime = runtime;
        _options = options;
        _time = time;
        _logger = logger;
        // The loop serves every caller: it must not run inside the span of whichever caller first needed the ledger.
        _loop = Task.Run(() =>
        {
            Activity.Current = null;
            return RunAsync(_stop.Token);
        }, CancellationToken.None);
    }

    /// <summary>
    /// Queues the call and returns the receipt of the transaction that carried it. Throws <see cref="InvalidOperationException"/>
    /// when the contract refuses the call, and <see cref="LedgerUnavailableException"/> when it is not recorded within
    /// <see cref="LedgerOptions.ConfirmationTimeout"/> or the ledger stops. Cancelling leaves out a call not yet sent; one
    /// already sent still lands (the contract is idempotent, so that is harmless).
    /// </summary>
    public async Task<LedgerReceipt> SubmitAsync(RegistryCall call)
    {
        // The caller's side of the transaction that carries its call, in the caller's trace; the batch's own trace links to it.
        using var span = LedgerTracing.Source.StartActivity("chain transition", ActivityKind.Client);
        if (span is not null)
        {
            span.SetTag(LedgerTracing.OperationAttribute, call.Operation);
            call.Trace = span.Context;
        }

        if (!_queue.Writer.TryWrite(call))
        {
            throw Stopped();
        }

        Interlocked.Increment(ref _queued);

        try
        {
            var receipt = await call.Completion.Task.WaitAsync(_options.ConfirmationTimeout, _time, call.CancellationToken).ConfigureAwait(false);
            span?.SetTag(LedgerTracing.TransactionHashAttribute, receipt.TransactionHash);
            span?.SetTag("sankofa.chain.block", receipt.BlockNumber);
            return receipt;
        }
        catch (OperationCanceledException) when (call.CancellationToken.IsCancellationRequested)
        {
            call.Completion.TrySetCanceled(call.CancellationToken);
            throw;
        }
        catch (TimeoutException ex)
        {
            call.Completion.TrySetCanceled(CancellationToken.None);
            throw new LedgerUnavailableException(
                $"ResourceRegistry did not record {call.Operation} within {_options.ConfirmationTimeout}; it may still land, and repeating it is safe.", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (_queue.Reader.TryRead(out var call))
        {
            call.Completion.TrySetException(Stopped());
        }

        _stop.Dispose();
    }

    private static LedgerUnavailableException Stopped() => new("The resource ledger has stopped.");

    private async Task RunAsync(CancellationToken stop)
    {
        var batch = new List<RegistryCall>();
        long? lastSent = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                if (lastSent is { } sent)
                {
                    await LingerAsync(sent, stop).ConfigureAwait(false);
                }

                lastSent = _time.GetTimestamp();
                TakeBatch(batch);
                if (batch.Count == 0)
                {
                    continue;
                }

                try
                {
                    using var span = StartBatchSpan(batch);
                    await RecordAsync(batch, stop).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    // One batch's failure (node unreachable, ledger not started, a bug) goes to its callers; the loop
                    // carries on with the next batch.
                    Log.BatchFailed(_logger, batch.Count, ex);
                    Fail(batch, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            Fail(batch, Stopped());
        }
    }

    /// <summary>A batch's span, its own trace's root, linked to the span of each call it carries (null without a listener).</summary>
    private static Activity? StartBatchSpan(List<RegistryCall> batch)
    {
        if (!LedgerTracing.Source.HasListeners())
        {
            return null;
        }

        var links = batch.Where(c => c.Trace != default).Select(c => new ActivityLink(c.Trace)).ToList();
        var span = LedgerTracing.Source.StartActivity("chain batch", ActivityKind.Internal, parentContext: default, links: links);
        span?.SetTag("sankofa.chain.transitions", batch.Count);
        return span;
    }

    /// <summary>Waits until <see cref="LedgerOptions.MinTransitionInterval"/> has passed since the last send, or a full batch is queued.</summary>
    private async Task LingerAsync(long lastSent, CancellationToken stop)
    {
        var full = Math.Max(1, _options.MaxTransitionsPerTransaction);
        while (Volatile.Read(ref _queued) < full && _options.MinTransitionInterval - _time.GetElapsedTime(lastSent) is { Ticks: > 0 } left)
        {
            await Task.Delay(left < LingerStep ? left : LingerStep, _time, stop).ConfigureAwait(false);
        }
    }

    /// <summary>Takes queued calls, in order, until the call count or the gas budget is reached.</summary>
    private void TakeBatch(List<RegistryCall> batch)
    {
        batch.Clear();
        var maxCalls = Math.Max(1, _options.MaxTransitionsPerTransaction);
        var gas = TransactionBaseGas;
        while (batch.Count < maxCalls && _queue.Reader.TryPeek(out var call))
        {
            // Upper bound of the call's calldata inside a multicall: offset and length words, data padded to 32 bytes.
            var cost = call.Gas + (CalldataByteGas * (call.Data.Length + 96));
            if (batch.Count > 0 && gas + cost > _options.MaxTransitionGasPerTransaction)
            {
                break;
            }

            _queue.Reader.TryRead(out _);
            Interlocked.Decrement(ref _queued);
            if (call.Completion.Task.IsCompleted)
            {
                continue; // the caller gave up before the call was sent
            }

            batch.Add(call);
            gas += cost;
        }
    }

    private async Task RecordAsync(List<RegistryCall> batch, CancellationToken stop)
    {
        var connection = _runtime.Connection;
        var accepted = await CheckAsync(connection, batch, stop).ConfigureAwait(false);
        if (accepted.Count == 0)
        {
            return;
        }

        var receipt = await SendAsync(connection, accepted, stop).ConfigureAwait(false);
        if (receipt.Succeeded)
        {
            Complete(accepted, receipt);
        }
        else if (accepted.Count == 1)
        {
            // The state changed between the check and the transaction (another writer); the caller re-reads and decides.
            accepted[0].Completion.TrySetException(
                new InvalidOperationException($"ResourceRegistry reverted {accepted[0].Operation} in transaction {receipt.TransactionHash}."));
        }
        else
        {
            // The state changed between the check and the block, and one call now takes the whole batch down with it:
            // check and send each call alone, in order, so only the ones refused now fail.
            Log.BatchReverted(_logger, accepted.Count, receipt.TransactionHash);
            foreach (var call in accepted)
            {
                await RecordAsync([call], stop).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs the batch as one eth_call; when the contract refuses some calls, fails their callers and returns the rest, in order.</summary>
    private async Task<List<RegistryCall>> CheckAsync(LedgerConnection connection, List<RegistryCall> batch, CancellationToken stop)
    {
        var refusal = await SimulateAsync(connection, batch, stop).ConfigureAwait(false);
        if (refusal is null)
        {
            return batch;
        }

        if (IsPause(refusal) && await IsPausedAsync(connection, stop).ConfigureAwait(false))
        {
            // Paused (by the board, say): the transitions wait, as they would for an unreachable chain, and are sent again
            // once it is unpaused; they are not refusals. Site-key registrations and rotations are not paused and go on.
            var (held, open) = (batch.Where(c => !c.Operation.StartsWith("site:", StringComparison.Ordinal)).ToList(),
                batch.Where(c => c.Operation.StartsWith("site:", StringComparison.Ordinal)).ToList());
            foreach (var call in held)
            {
                call.Completion.TrySetException(new LedgerUnavailableException(
                    $"ResourceRegistry is paused: {call.Operation} waits until it is unpaused (a board decision), then goes on."));
            }

            Log.Paused(_logger, held.Count);
            return open.Count == 0 ? [] : await CheckAsync(connection, open, stop).ConfigureAwait(false);
        }

        // A call may depend on an earlier one of the same batch (a resource's request, then its place), so each call is
        // judged after the calls accepted before it, never alone.
        var accepted = new List<RegistryCall>(batch.Count);
        var rest = batch;
        while (refusal is not null)
        {
            var (index, reason) = await FindFirstRefusedAsync(connection, accepted, rest, refusal, stop).ConfigureAwait(false);
            accepted.AddRange(rest.Take(index));
            rest[index].Completion.TrySetException(
                new InvalidOperationException($"ResourceRegistry refuses {rest[index].Operation}: {ResourceRegistryErrors.Describe(reason)}", reason));
            rest = rest[(index + 1)..];
            refusal = rest.Count == 0 ? null : await SimulateAsync(connection, [.. accepted, .. rest], stop).ConfigureAwait(false);
        }

        accepted.AddRange(rest);
        return accepted;
    }

    private static readonly string PauseSelector = "0x" + Convert.ToHexStringLower(Abi.Selector("EnforcedPause()"));

    private static bool IsPause(JsonRpcException refusal) =>
        refusal.Data0 is { } data && data.Trim('"').StartsWith(PauseSelector, StringComparison.OrdinalIgnoreCase);

    private static async Task<bool> IsPausedAsync(LedgerConnection connection, CancellationToken stop)
    {
        var answer = await connection.Rpc.CallAsync("eth_call", stop, new { to = connection.ResourceRegistryAddress, data = Hex.Bytes(Abi.Selector("paused()")) }, "latest")
            .ConfigureAwait(false);
        return Hex.ToBytes(answer.GetString()!) is [.., 1];
    }

    /// <summary>
    /// The first call of <paramref name="rest"/> the contract refuses after <paramref name="accepted"/>, and its reason.
    /// A multicall stops at its first refused call, so a prefix that reverts still reverts when longer: bisecting on the
    /// prefix length takes about log2(n) eth_calls.
    /// </summary>
    private static async Task<(int Index, JsonRpcException Reason)> FindFirstRefusedAsync(
        LedgerConnection connection, List<RegistryCall> accepted, List<RegistryCall> rest, JsonRpcException refusal, CancellationToken stop)
    {
        // accepted + rest[..low] passes; accepted + rest[..(high + 1)] reverts with reason.
        var (low, high, reason) = (0, rest.Count - 1, refusal);
        while (low < high)
        {
            var middle = (low + high) / 2;
            var error = await SimulateAsync(connection, [.. accepted, .. rest.Take(middle + 1)], stop).ConfigureAwait(false);
            if (error is null)
            {
                low = middle + 1;
            }
            else
            {
                (high, reason) = (middle, error);
            }
        }

        return (low, reason);
    }

    /// <summary>The calls as one eth_call from the signing key: null when the contract accepts them all, else its refusal (the revert).</summary>
    private static async Task<JsonRpcException?> SimulateAsync(LedgerConnection connection, IReadOnlyList<RegistryCall> calls, CancellationToken stop)
    {
        var data = Hex.Bytes(Encode(calls));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await connection.Rpc.CallAsync("eth_call", stop, new { from = connection.SignerAddress, to = connection.ResourceRegistryAddress, data }, "latest")
                    .ConfigureAwait(false);
                return null;
            }
            catch (JsonRpcException ex) when (ex.IsRevert)
            {
                return ex;
            }
            catch (JsonRpcException) when (attempt < 3)
            {
                // The node could not run the call, which says nothing about the contract: an embedded chain that keeps
                // no history can drop the block it took as "latest" while a new one is mined. Ask again.
            }
            catch (JsonRpcException ex)
            {
                throw new LedgerUnavailableException($"The chain could not check ResourceRegistry calls: {ex.Message}", ex);
            }
        }
    }

    // Geth and anvil answer a revert with code 3, Besu with -32000 and "Execution reverted".
    private static Task<TransactionReceipt> SendAsync(LedgerConnection connection, List<RegistryCall> calls, CancellationToken stop)
    {
        var data = Encode(calls);
        var gas = TransactionBaseGas + (CalldataByteGas * data.Length) + calls.Sum(c => c.Gas);

        // A call sent alone keeps its own operation id, so a repeat of that transition joins the transaction in flight.
        // A batch is named by a hash of its call data: two different batches never share an id (the gateway would hand
        // the second the first one's receipt), and the same batch sent again joins the first.
        var operation = calls.Count == 1
            ? calls[0].Operation
            : $"resource-registry:multicall:{calls.Count}:{Convert.ToHexStringLower(SHA256.HashData(data))[..32]}";
        return connection.Gateway.SendAsync(new TransactionRequest(operation, connection.ResourceRegistryAddress, data, gas), stop);
    }

    private static byte[] Encode(IReadOnlyList<RegistryCall> calls) => ResourceRegistryContract.EncodeCalls([.. calls.Select(c => c.Data)]);

    private void Complete(List<RegistryCall> calls, TransactionReceipt receipt)
    {
        var result = new LedgerReceipt(receipt.TransactionHash, receipt.BlockNumber);
        Log.BatchRecorded(_logger, calls.Count, receipt.TransactionHash, receipt.BlockNumber, receipt.GasUsed);
        foreach (var call in calls)
        {
            Log.Recorded(_logger, call.Operation, receipt.TransactionHash, receipt.BlockNumber);
            call.Completion.TrySetResult(result);
        }
    }

    private static void Fail(List<RegistryCall> calls, Exception error)
    {
        foreach (var call in calls)
        {
            call.Completion.TrySetException(error);
        }
    }
}
