using Microsoft.Extensions.Options;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Ledger;

namespace Sankofa.Server.Identity.Accounts;

/// <summary>
/// Drives <see cref="AccountChainSync"/>: records queued identity steps on chain as soon as they are queued, and while
/// the chain is unreachable retries with doubling delays. Steps live in the store, so a restart loses none.
/// </summary>
internal sealed partial class AccountChainWorker(
    AccountChainSync sync, AccountChainSignal signal, IChainRecovery recovery, IOptions<AccountOptions> options, TimeProvider time, ILogger<AccountChainWorker> logger)
    : BackgroundService
{
    private const int StepsPerRound = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var retryDelay = settings.ChainMinRetryDelay;
        // Only a chain that has been redeployed after losing its state (generation above 0) can have forgotten identities.
        var checkedForLoss = recovery.Generation == 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                // Once per start, when the chain first answers: a redeployed embedded chain knows none of our identities.
                if (!checkedForLoss)
                {
                    checkedForLoss = true; // once, whatever comes of it; only an unreachable chain (below) asks again
                    try
                    {
                        if (await sync.RestoreLostAsync(stoppingToken) is > 0 and var restored)
                        {
                            LogRestored(logger, restored);
                        }
                    }
                    catch (LedgerUnavailableException)
                    {
                        checkedForLoss = false;
                        throw;
                    }
                }

                handled = await sync.SendPendingAsync(StepsPerRound, stoppingToken);
                if (handled > 0)
                {
                    LogRecorded(logger, handled);
                }

                retryDelay = settings.ChainMinRetryDelay;
            }
            catch (LedgerUnavailableException ex)
            {
                LogChainUnavailable(logger, retryDelay, ex.Message);
                await Task.Delay(retryDelay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, settings.ChainMaxRetryDelay.Ticks));
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chain no longer knows {Count} identities it had recorded (state lost?); their registration, roles and status are queued again")]
    private static partial void LogRestored(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Recorded {Count} identity step(s) on chain")]
    private static partial void LogRecorded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chain unreachable, identity steps stay queued; retrying in {Delay}: {Reason}")]
    private static partial void LogChainUnavailable(ILogger logger, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Identity chain round failed; retrying")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
