using Microsoft.Extensions.Options;
using Sankofa.Core.Identity;

namespace Sankofa.Server.Identity.Access;

/// <summary>Refreshes the chain statuses of the identities seen lately, every <see cref="IdentityStatusOptions.StatusRefreshInterval"/>.</summary>
internal sealed partial class IdentityStatusRefresher(
    IdentityStatusCache cache, IOptions<IdentityStatusOptions> options, TimeProvider time, ILogger<IdentityStatusRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StatusRefreshInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await cache.RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Statuses age towards StatusMaxAge; past it calls read the chain themselves and are refused if it cannot answer.
                LogRefreshFailed(logger, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 91, Level = LogLevel.Warning, Message = "Identity statuses could not be refreshed from the chain: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
