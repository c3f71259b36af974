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
        var failing = false;
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await cache.RefreshAsync(stoppingToken).ConfigureAwait(false);
                if (failing)
                {
                    failing = false;
                    LogRefreshResumed(logger);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Statuses age towards StatusMaxAge; past it calls read the chain themselves and are refused if it cannot answer.
                // Said once per outage, not every second of it.
                if (!failing)
                {
                    failing = true;
                    LogRefreshFailed(logger, ex.GetType().Name);
                }
            }
        }
    }

    [LoggerMessage(EventId = 94, Level = LogLevel.Warning, Message = "Identity statuses cannot be refreshed from the chain ({Reason}); said again when they can")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 95, Level = LogLevel.Information, Message = "Identity statuses are refreshed from the chain again")]
    private static partial void LogRefreshResumed(ILogger logger);
}
