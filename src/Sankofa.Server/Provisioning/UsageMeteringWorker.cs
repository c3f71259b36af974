using Microsoft.Extensions.Options;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Provisioning;

/// <summary>
/// Meters usage every <see cref="ProvisioningOptions.MeteringInterval"/> (<see cref="UsageMetering"/>). With replicas one
/// leads it (<see cref="WorkerLeadership"/>): each resource's usage moves from a mark, and two replicas metering the same
/// resource at once would race on it.
/// </summary>
internal sealed partial class UsageMeteringWorker(
    UsageMetering metering, WorkerLeadership leadership, IOptions<ProvisioningOptions> options, TimeProvider time, ILogger<UsageMeteringWorker> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leadership.RunAsync("usage-metering", RunAsync, stoppingToken);

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MeteringInterval, time);
        do
        {
            try
            {
                await metering.MeterAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A store hiccup: the marks did not move, the next round meters the same time.
                LogRoundFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Metering round failed; retrying at the next interval")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
