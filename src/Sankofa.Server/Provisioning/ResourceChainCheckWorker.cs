using Microsoft.Extensions.Options;
using Sankofa.Core;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Provisioning;

/// <summary>
/// Compares the store with the chain both ways. First, once: what the chain recorded beyond the store
/// (<see cref="ResourceChainAhead"/>: after a restore from a backup, resources requested, provisioned or deleted after
/// the backup point), adopted where safe and reported. Then <see cref="ResourceReconciler.FindLostAsync"/>: every
/// Verified resource is checked against the chain at start and after the chain lost its state, the newest every
/// <see cref="ProvisioningOptions.ChainCheckInterval"/>; those the chain lost go back to the reconciler, which records
/// them again from the store (as the audit anchorer does with roots). With replicas one leads it
/// (<see cref="WorkerLeadership"/>): one check of the chain is enough for all.
/// </summary>
internal sealed partial class ResourceChainCheckWorker(
    ResourceReconciler reconciler,
    ResourceChainAhead chainAhead,
    ResourceChainAheadCheck aheadCheck,
    IChainRecovery recovery,
    ReconcilerSignal signal,
    WorkerLeadership leadership,
    IOptions<ProvisioningOptions> options,
    TimeProvider time,
    ILogger<ResourceChainCheckWorker> logger) : BackgroundService
{
    private const int MaxLoggedGaps = 50;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leadership.RunAsync("resource-chain-check", RunAsync, stoppingToken);

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var full = true; // the chain may have lost blocks while this server was down
        var generation = recovery.Generation;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = settings.ChainCheckInterval;
            try
            {
                if (!aheadCheck.Done)
                {
                    // Before the Verified check: a resource the chain says Deleted must be deleted here, not recorded again.
                    var gaps = await chainAhead.FindAsync(stoppingToken);
                    // Each one in the log, up to a bound (a large loss is listed in full by the API).
                    foreach (var gap in gaps.Take(MaxLoggedGaps))
                    {
                        LogChainAhead(logger, gap.ResourceId ?? gap.ChainKey, gap.OnChainState, gap.Block, gap.StoreStatus?.ToString() ?? "unknown", gap.Outcome, gap.Detail);
                    }

                    if (gaps.Count > MaxLoggedGaps)
                    {
                        LogMoreAhead(logger, gaps.Count - MaxLoggedGaps);
                    }

                    aheadCheck.Completed(gaps);
                    if (gaps.Any(g => g.Outcome == ResourceChainGap.Adopted))
                    {
                        signal.Wake();
                    }
                }

                if (recovery.Generation != generation)
                {
                    (generation, full) = (recovery.Generation, true);
                }

                var lost = await reconciler.FindLostAsync(full, stoppingToken);
                if (lost.Count > 0)
                {
                    LogLost(logger, lost.Count, lost[0]);
                    signal.Wake();
                }

                (full, failures) = (false, 0);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The chain or the store did not answer: the check is only late, nothing is lost.
                failures++;
                wait = RetryBackoff.Delay(failures, settings.MinRetryDelay, settings.ChainCheckInterval);
                LogCheckFailed(logger, wait, ex.Message);
            }

            await Task.Delay(wait, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The chain holds resource {Resource} further on than the store ({OnChainState} at block {Block}; store: {StoreStatus}), {Outcome}: {Detail}")]
    private static partial void LogChainAhead(ILogger logger, string resource, string onChainState, long block, string storeStatus, string outcome, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chain holds {Count} more resource(s) further on than the store: GET /api/v1/resources/chain-gaps lists them all")]
    private static partial void LogMoreAhead(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chain no longer says Verified for {Count} resource(s) (first {Resource}); recording them again")]
    private static partial void LogLost(ILogger logger, int count, string resource);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking resources against the chain failed; trying again in {Delay}: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, TimeSpan delay, string reason);
}
