using Microsoft.Extensions.Options;
using Sankofa.Core.Billing;
using Sankofa.Core.Ledger;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Billing;

/// <summary>Settings of billing's background work (configuration section <c>Billing</c>).</summary>
public sealed class BillingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Billing";

    /// <summary>How often the billing worker runs: price books and deposits made while the chain was away recorded on chain, runs built and issued, open invoices read back.</summary>
    public TimeSpan ChainRetryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long after a period's end its run waits before it is built, so that metering has reached the end (metering runs every minute).</summary>
    public TimeSpan CloseDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Tax on every invoice, in hundredths of a percent (1500 = 15 %); 0 by default.</summary>
    public int TaxBasisPoints { get; set; }

    /// <summary>Whether last month's run starts by itself for every tenant with usage in it.</summary>
    public bool MonthlyRuns { get; set; } = true;

    /// <summary>How often an open invoice's state (approvals, disputes, settlement) is read again from the chain.</summary>
    public TimeSpan StateRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Billing's background work, each round: price books made while the chain was away recorded on chain
/// (<see cref="PriceBookService.RecordPendingAsync"/>), then the billing runs' round (<see cref="BillingRunService.RunRoundAsync"/>:
/// runs built and issued, invoices read back and settled, deposits credited). What is accepted is done once, however long
/// the chain stays away and across restarts: the store says what is still to do. With replicas one leads it
/// (<see cref="WorkerLeadership"/>): a run is built and issued by one replica.
/// </summary>
internal sealed partial class BillingWorker(
    PriceBookService books, BillingRunService runs, WorkerLeadership leadership, IOptions<BillingOptions> options, TimeProvider time, ILogger<BillingWorker> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leadership.RunAsync("billing", RunAsync, stoppingToken);

    private async Task RunAsync(CancellationToken stoppingToken)
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

                    var round = await runs.RunRoundAsync(stoppingToken).ConfigureAwait(false);
                    if (round is not { Started: 0, Built: 0, Issued: 0, Settled: 0, Deposits: 0 })
                    {
                        LogRound(logger, round.Started, round.Built, round.Issued, round.Settled, round.Deposits);
                    }

                    foreach (var reason in refused.Concat(round.Problems))
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

    [LoggerMessage(5, LogLevel.Information, "Billing: {Started} run(s) started, {Built} invoice(s) built, {Issued} issued on chain, {Settled} settled, {Deposits} deposit(s) credited")]
    private static partial void LogRound(ILogger logger, int started, int built, int issued, int settled, int deposits);

    [LoggerMessage(3, LogLevel.Error, "Billing needs an operator: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Error, "A billing round failed; trying again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Debug, "Billing waits for the chain: {Reason}")]
    private static partial void LogChainAway(ILogger logger, string reason);
}
