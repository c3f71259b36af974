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
                    if (await books.RecordPendingAsync(stoppingToken).ConfigureAwait(false) is > 0 and var recorded)
                    {
                        LogRecorded(logger, recorded);
                    }
                }
                catch (LedgerUnavailableException ex)
                {
                    LogChainAway(logger, ex.Message);
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

    [LoggerMessage(2, LogLevel.Debug, "Price books wait for the chain: {Reason}")]
    private static partial void LogChainAway(ILogger logger, string reason);
}
