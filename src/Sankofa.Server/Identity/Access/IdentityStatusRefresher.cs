using Microsoft.Extensions.Options;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;

namespace Sankofa.Server.Identity.Access;

/// <summary>
/// Refreshes the chain statuses of the identities seen lately, every <see cref="IdentityStatusOptions.StatusRefreshInterval"/>.
/// At start it pins again the suspensions and revocations the chain has not recorded yet: a restart must not let a
/// suspended identity back in for the moment the outbox takes to reach the chain.
/// </summary>
internal sealed partial class IdentityStatusRefresher(
    IdentityStatusCache cache, IAccountStore accounts, IOptions<IdentityStatusOptions> options, TimeProvider time, ILogger<IdentityStatusRefresher> logger)
    : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var status in new[] { IdentityStatus.Suspended, IdentityStatus.Revoked })
        {
            long? before = null;
            do
            {
                var page = await accounts.ListAsync(new AccountQuery(Status: status, Before: before, Limit: 500), cancellationToken).ConfigureAwait(false);
                foreach (var account in page.Items.Where(a => a.Chain.RecordedStatus != status))
                {
                    cache.Changed(account.Id, status);
                }

                before = page.NextBefore;
            }
            while (before is not null);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

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
