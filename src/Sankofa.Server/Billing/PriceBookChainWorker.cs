using Microsoft.Extensions.Options;
using Sankofa.Core.Billing;
using Sankofa.Core.Ledger;

namespace Sankofa.Server.Billing;

/// <summary>Settings of billing's background work (configuration section <c>Billing</c>).</summary>
public sealed class BillingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Billing";

    /// <summary>How often price books made while the chain was away are recorded on chain.</summary>
    public TimeSpan ChainRetryInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Records on chain the price books made while the chain was away (<see cref="PriceBookService.RecordPendingAsync"/>):
/// a version accepted is recorded once, however long the chain stays away and across restarts (the store says what is
/// still to do).
/// </summary>
internal sealed partial class PriceBookChainWorker(PriceBookService books, IOptions<BillingOptions> options, TimeProvider time, ILogger<PriceBookChainWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ChainRetryInterval, time);
        try
        {
            do
            {
                try
                {
                    var (recorded, refused) = await books.RecordPendingAsync(stoppingToken).ConfigureAwait(false);
                    if (recorded > 0)
                    {
                        LogRecorded(logger, recorded);
                    }

                    foreach (var reason in refused)
                    {
                        LogRefused(logger, reason);
                    }
                }
                catch (LedgerUnavailableException ex)
                {
                    LogChainAway(logger, ex.Message);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store or the chain answered oddly: nothing is lost (the store says what is left), try again later.
                    LogRoundFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Recorded {Count} price book(s) on chain")]
    private static partial void LogRecorded(ILogger logger, int count);

    [LoggerMessage(3, LogLevel.Error, "A price book cannot be recorded on chain (an operator must look): {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Error, "Recording price books on chain failed; trying again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Debug, "Price books wait for the chain: {Reason}")]
    private static partial void LogChainAway(ILogger logger, string reason);
}
