using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Nethereum.Contracts;
using Sankofa.Core.Hardware;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Gateway;

namespace Sankofa.Ledger.Custody;

/// <summary>
/// Coalesces concurrent asset registrations into SankofaCustody <c>registerBatch</c> transactions: every block costs the
/// chain work in proportion to all the state it holds (the embedded anvil rehashes its storage per block), so thousands
/// of registrations as one transaction each slow it far more than a few full batches. One loop takes everything queued
/// (up to <see cref="BatchSize"/>) and sends it while the next batch accumulates: one batch in flight at a time, so a lone
/// registration goes at once and waits for nothing.
/// registerBatch is all or nothing, so a batch the chain refuses (one bad or stale registration among good ones) or
/// reverts in its block is sent again one registration at a time, each through <c>register</c>: only the refused ones
/// fail, each with its own reason.
/// </summary>
internal sealed partial class RegistrationBatcher : IAsyncDisposable
{
    /// <summary>
    /// Gas one registration in a registerBatch may use: measured 161,400 on average (161,381,394 estimated for 1,000 in
    /// one transaction, 518,529 for three, the transaction's 21,000 included), each writing the asset's record and its
    /// first event to fresh storage; rounded up.
    /// </summary>
    internal const long GasPerRegistration = 180_000;

    private readonly Func<string, byte[], CancellationToken, Task<LedgerReceipt>> _send;
    private readonly Func<CancellationToken, Task<long>> _blockGasLimit;
    private readonly LedgerOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int? _batchSize;

    /// <param name="send">Checks and sends call data to SankofaCustody (<see cref="CheckedWrite"/>): a refusal is a <see cref="CustodyRefusedException"/>.</param>
    /// <param name="blockGasLimit">Reads the chain's block gas limit, once, for the batch size.</param>
    /// <param name="options">The largest batch.</param>
    /// <param name="logger">Where batches are logged.</param>
    public RegistrationBatcher(
        Func<string, byte[], CancellationToken, Task<LedgerReceipt>> send, Func<CancellationToken, Task<long>> blockGasLimit, LedgerOptions options, ILogger logger)
    {
        _send = send;
        _blockGasLimit = blockGasLimit;
        _options = options;
        _logger = logger;
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>
    /// Queues a registration and returns the receipt of the transaction that carried it. Throws
    /// <see cref="CustodyRefusedException"/> when the contract refuses it, and what the gateway throws when the chain does
    /// not record it. Cancelling leaves out a registration not yet sent; one already sent still lands (a repeat of a
    /// registration is a no-op on chain, so the caller may submit it again).
    /// </summary>
    public async Task<LedgerReceipt> SubmitAsync(RegisterAssetFunction registration, string assetId, CancellationToken cancellationToken)
    {
        var pending = new Pending(registration, assetId);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw Stopped();
        }

        try
        {
            return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            pending.Completion.TrySetCanceled(cancellationToken);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Completion.TrySetException(Stopped());
        }

        _stop.Dispose();
    }

    /// <summary>
    /// Registrations per transaction on a chain whose blocks hold <paramref name="blockGasLimit"/> gas: as many as half a
    /// block holds with the quarter <see cref="CheckedWrite"/> adds to the estimate (the other half stays for the
    /// control plane's other writes mined meanwhile), at most <paramref name="maximum"/> and at least one.
    /// </summary>
    internal static int BatchSize(long blockGasLimit, int maximum) =>
        (int)Math.Clamp(blockGasLimit / 2 / (GasPerRegistration + (GasPerRegistration / 4)), 1, Math.Max(1, maximum));

    private static LedgerUnavailableException Stopped() => new("The custody ledger has stopped.");

    private async Task<int> BatchSizeAsync(CancellationToken stop)
    {
        if (_batchSize is { } known)
        {
            return known;
        }

        try
        {
            var size = BatchSize(await _blockGasLimit(stop).ConfigureAwait(false), _options.MaxRegistrationsPerTransaction);
            LogBatchSize(_logger, size);
            return (_batchSize = size).Value;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            // The chain did not answer: what is queued goes one at a time (and meets the same chain), and the next batch reads again.
            LogGasLimitUnread(_logger, ex.Message);
            return 1;
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var batch = new List<Pending>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                batch.Clear();
                var size = await BatchSizeAsync(stop).ConfigureAwait(false);
                while (batch.Count < size && _queue.Reader.TryRead(out var pending))
                {
                    if (!pending.Completion.Task.IsCompleted) // else its caller gave up before it was sent
                    {
                        batch.Add(pending);
                    }
                }

                await RecordAsync(batch, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(Stopped());
            }
        }
    }

    private async Task RecordAsync(List<Pending> batch, CancellationToken stop)
    {
        if (batch.Count > 1)
        {
            var data = new RegisterAssetsFunction
            {
                AssetIds = [.. batch.Select(p => p.Registration.AssetId)],
                AssetHashes = [.. batch.Select(p => p.Registration.AssetHash)],
                DocumentHashes = [.. batch.Select(p => p.Registration.DocumentHash)],
                Signatures = [.. batch.Select(p => p.Registration.Signature)],
            }.GetCallData();
            try
            {
                var receipt = await _send($"registration of {batch.Count} assets", data, stop).ConfigureAwait(false);
                LogBatchRecorded(_logger, batch.Count, receipt.TransactionHash, receipt.BlockNumber);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetResult(receipt);
                }

                return;
            }
            catch (InvalidOperationException ex)
            {
                // Refused by the check or reverted in the block: one registration takes the batch down with it. Each alone
                // names its own reason, and the good ones go through.
                LogBatchRefused(_logger, batch.Count, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                // The chain is unreachable or did not record the batch in time: its callers get the error (a repeat is
                // a no-op on chain, so they may submit again); the loop carries on with the next batch.
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(ex);
                }

                return;
            }
        }

        foreach (var pending in batch)
        {
            try
            {
                pending.Completion.TrySetResult(await _send($"registration of asset {pending.AssetId}", pending.Registration.GetCallData(), stop).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                pending.Completion.TrySetException(ex);
            }
        }
    }

    [LoggerMessage(2, LogLevel.Debug, "SankofaCustody: {Count} registrations in transaction {Transaction}, block {Block}")]
    private static partial void LogBatchRecorded(ILogger logger, int count, string transaction, long block);

    [LoggerMessage(3, LogLevel.Information, "SankofaCustody: a batch of {Count} registrations was refused ({Reason}); sending them one at a time")]
    private static partial void LogBatchRefused(ILogger logger, int count, string reason);

    [LoggerMessage(4, LogLevel.Information, "SankofaCustody: up to {Size} registrations per transaction")]
    private static partial void LogBatchSize(ILogger logger, int size);

    [LoggerMessage(5, LogLevel.Warning, "SankofaCustody: the chain's block gas limit could not be read ({Reason}); sending registrations one at a time until it can")]
    private static partial void LogGasLimitUnread(ILogger logger, string reason);

    private sealed record Pending(RegisterAssetFunction Registration, string AssetId)
    {
        public TaskCompletionSource<LedgerReceipt> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
