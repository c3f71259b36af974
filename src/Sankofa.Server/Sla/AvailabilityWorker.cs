using Microsoft.Extensions.Options;
using Sankofa.Core.Billing;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Sla;

/// <summary>
/// Runs an <see cref="AvailabilityProbe"/> round every <see cref="SlaOptions.ProbeInterval"/>. All state is in the store
/// (each resource's mark and open down interval), so a restart, or another server sharing the store, carries on where
/// the last round stopped; a resource is never counted twice. With replicas one leads it (<see cref="WorkerLeadership"/>):
/// one probe of each site per interval is enough, and rounds of two replicas would race on the same marks.
/// </summary>
internal sealed partial class AvailabilityWorker(AvailabilityProbe probe, WorkerLeadership leadership, IOptions<SlaOptions> options, TimeProvider time, ILogger<AvailabilityWorker> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leadership.RunAsync("sla-availability", RunAsync, stoppingToken);

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ProbeInterval, time);
        try
        {
            do
            {
                try
                {
                    var round = await probe.ProbeAsync(stoppingToken).ConfigureAwait(false);
                    foreach (var site in round.Unreachable)
                    {
                        LogUnreachable(logger, site);
                    }

                    if (round.Sealed > 0)
                    {
                        LogSealed(logger, round.Sealed);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A store hiccup: the marks did not move, so the next round measures the same time again.
                    LogRoundFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Site {Site} did not answer the availability probe: its VMs count as down")]
    private static partial void LogUnreachable(ILogger logger, string site);

    [LoggerMessage(2, LogLevel.Debug, "Sealed {Count} availability hour(s) into the audit log")]
    private static partial void LogSealed(ILogger logger, int count);

    [LoggerMessage(3, LogLevel.Error, "Availability round failed; trying again at the next interval")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
