using Microsoft.Extensions.Options;
using Sankofa.Core;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Ledger;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Identity.Accounts;

/// <summary>
/// Drives <see cref="AccountChainSync"/>: records queued identity steps on chain as soon as they are queued, and while
/// the chain is unreachable retries with doubling delays. Steps live in the store, so a restart loses none.
/// With replicas one leads it (<see cref="WorkerLeadership"/>), so a step is sent by one replica; the leader finds steps
/// queued through the others at its next poll (<see cref="AccountOptions.ChainPollInterval"/>).
/// </summary>
internal sealed partial class AccountChainWorker(
    AccountChainSync sync, AccountChainSignal signal, IChainRecovery recovery, WorkerLeadership leadership, IOptions<AccountOptions> options, TimeProvider time,
    ILogger<AccountChainWorker> logger)
    : BackgroundService
{
    private const int StepsPerRound = 100;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leadership.RunAsync("identity-chain", RunAsync, stoppingToken);

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var failures = 0;
        // Every recorded identity is checked against the chain at start (it may have lost blocks while this server was
        // down), after it was redeployed, and every ChainCheckInterval (an embedded chain that crashed loses its last blocks).
        var generation = recovery.Generation;
        var nextCheck = DateTimeOffset.MinValue;
        var full = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                if (recovery.Generation != generation || time.GetUtcNow() >= nextCheck)
                {
                    full |= recovery.Generation != generation;
                    generation = recovery.Generation;
                    if (await sync.RestoreLostAsync(full, stoppingToken) is > 0 and var restored)
                    {
                        LogRestored(logger, restored);
                    }

                    (nextCheck, full) = (time.GetUtcNow() + settings.ChainCheckInterval, false);
                }

                handled = await sync.SendPendingAsync(StepsPerRound, stoppingToken);
                if (handled > 0)
                {
                    LogRecorded(logger, handled);
                }

                failures = 0;
            }
            catch (LedgerUnavailableException ex)
            {
                var retryDelay = RetryBackoff.Delay(++failures, settings.ChainMinRetryDelay, settings.ChainMaxRetryDelay);
                LogChainUnavailable(logger, retryDelay, ex.Message);
                await Task.Delay(retryDelay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A store error must not kill the worker: the steps stay queued and the next round tries again.
                LogRoundFailed(logger, ex);
                await Task.Delay(settings.ChainMinRetryDelay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            if (handled < StepsPerRound)
            {
                try
                {
                    await signal.WaitAsync(settings.ChainPollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chain lost what it had recorded of {Count} identities (state or last blocks lost?); their registration, roles or status are queued again")]
    private static partial void LogRestored(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Recorded {Count} identity step(s) on chain")]
    private static partial void LogRecorded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chain unreachable, identity steps stay queued; retrying in {Delay}: {Reason}")]
    private static partial void LogChainUnavailable(ILogger logger, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Identity chain round failed; retrying")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
