using Microsoft.Extensions.Options;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Audit;

/// <summary>
/// Drives <see cref="AuditAnchorer"/>: seal, anchor, and now and then reconcile with the chain. While the chain is
/// unreachable it keeps sealing (entries stay safe in the database) and retries anchoring with growing delays.
/// With replicas one leads it (<see cref="WorkerLeadership"/>): the sealer serialises anyway, and one anchorer keeps
/// two replicas from sending the same roots; a new leader starts with a full reconcile, as a restart does.
/// </summary>
internal sealed partial class AuditAnchorWorker(
    AuditAnchorer anchorer,
    IAuditStore store,
    IChainRecovery recovery,
    AuditMetrics metrics,
    WorkerLeadership leadership,
    AuditChainCheck chainCheck,
    IOptions<AuditOptions> options,
    TimeProvider time,
    ILogger<AuditAnchorWorker> logger) : BackgroundService
{
    private static readonly TimeSpan BacklogInterval = TimeSpan.FromSeconds(2);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leadership.RunAsync("audit-anchorer", RunAsync, stoppingToken, chainCheck.Following);

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var failures = 0;
        var chainDownUntil = DateTimeOffset.MinValue;
        var reconcileFull = true; // every root is checked once at start: the chain may have lost state while we were down
        var reconciledGeneration = recovery.Generation;
        var nextReconcile = DateTimeOffset.MinValue;
        var nextBacklog = DateTimeOffset.MinValue;

        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                // A store restored from a backup may lack batches the chain already holds; until the chain has been
                // asked, sealing waits (entries stay accepted and safe), or a new batch could take one of their ids.
                if (!chainCheck.Done && time.GetUtcNow() >= chainDownUntil)
                {
                    var comparison = await anchorer.CompareWithChainAsync(stoppingToken);
                    if (comparison.Recovered > 0)
                    {
                        LogRecovered(logger, comparison.Recovered);
                    }

                    if (comparison.Gap is { } gap)
                    {
                        metrics.ChainGap(gap);
                        LogChainAhead(logger, gap.Batches, gap.Entries, gap.FirstBatchId, gap.LastBatchId, gap.Resealed);
                    }

                    chainCheck.Completed(comparison);
                }

                var sealedCount = chainCheck.Done ? await anchorer.SealAsync(maxBatches: settings.BatchesPerAnchor, stoppingToken) : 0;
                if (sealedCount > 0)
                {
                    metrics.Sealed(sealedCount);
                    busy = true;
                }

                var now = time.GetUtcNow();
                if (now >= chainDownUntil && chainCheck.Done)
                {
                    if (recovery.Generation != reconciledGeneration)
                    {
                        reconciledGeneration = recovery.Generation;
                        reconcileFull = true;
                    }

                    if (reconcileFull || now >= nextReconcile)
                    {
                        var missing = await anchorer.ReconcileAsync(reconcileFull, stoppingToken);
                        if (missing.Count > 0)
                        {
                            metrics.Missing(missing.Count);
                            LogMissingRoots(logger, missing.Count, missing[0], missing[^1]);
                        }

                        reconcileFull = false;
                        nextReconcile = now + settings.ReconcileInterval;
                    }

                    var anchored = await anchorer.AnchorAsync(stoppingToken);
                    if (anchored.Count > 0)
                    {
                        metrics.Anchored(anchored.Count);
                        LogAnchored(logger, anchored.Count, anchored[0].Id, anchored[^1].Id);
                        busy = true;
                    }

                    failures = 0;
                }
            }
            catch (LedgerUnavailableException ex)
            {
                metrics.ChainUnavailable();
                var retryDelay = RetryBackoff.Delay(++failures, settings.MinRetryDelay, settings.MaxRetryDelay);
                LogChainUnavailable(logger, retryDelay, ex.Message);
                chainDownUntil = time.GetUtcNow() + retryDelay;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A store or contract error must not kill the worker: nothing is lost, the next round tries again.
                LogRoundFailed(logger, ex);
                await Task.Delay(settings.MinRetryDelay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            var after = time.GetUtcNow();
            if (after >= nextBacklog)
            {
                nextBacklog = after + BacklogInterval;
                try
                {
                    metrics.Backlog(await store.GetBacklogAsync(stoppingToken), after);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRoundFailed(logger, ex);
                }
            }

            if (!busy)
            {
                await Task.Delay(settings.IdleDelay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Anchored {Count} batch root(s), batches {First}..{Last}")]
    private static partial void LogAnchored(ILogger logger, int count, long first, long last);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chain holds {Batches} audit batch(es) with {Entries} entries beyond the store (batches {First}..{Last}): the store was restored from an earlier backup and lost them; new batches are sealed after them (GET /api/v1/audit/chain-gaps). Up to {Resealed} of those entries are still in the store and are sealed again")]
    private static partial void LogChainAhead(ILogger logger, int batches, long entries, long first, long last, long resealed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chain held {Batches} audit batch(es) beyond the store made only of entries the store still holds (sealed after the backup it was restored from); sealed again as they were")]
    private static partial void LogRecovered(ILogger logger, int batches);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} anchored root(s) are missing on chain (batches {First}..{Last}); anchoring them again")]
    private static partial void LogMissingRoots(ILogger logger, int count, long first, long last);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chain unreachable, audit entries keep accumulating safely; retrying in {Delay}: {Reason}")]
    private static partial void LogChainUnavailable(ILogger logger, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit anchoring round failed; retrying")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
