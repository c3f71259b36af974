using Microsoft.Extensions.Options;
using Sankofa.Core.Identity;
using Sankofa.Core.Identity.Accounts;
using Sankofa.Core.Replicas;

namespace Sankofa.Server.Identity.Access;

/// <summary>
/// Refreshes the chain statuses of the identities seen lately, every <see cref="IdentityStatusOptions.StatusRefreshInterval"/>.
/// At start it pins again the suspensions and revocations the chain has not recorded yet: a restart must not let a
/// suspended identity back in for the moment the outbox takes to reach the chain. A change made through another replica
/// reaches this one's cache by its <see cref="ReplicaSignalNames.IdentityStatus"/> signal; when signals may have been
/// missed, the cache is resynchronized from the store.
/// </summary>
internal sealed partial class IdentityStatusRefresher(
    IdentityStatusCache cache, IAccountStore accounts, IReplicaSignals signals, IOptions<IdentityStatusOptions> options, TimeProvider time,
    ILogger<IdentityStatusRefresher> logger)
    : BackgroundService
{
    // Set when signals may have been missed; the refresh loop then resynchronizes (the bus's thread must not wait on the store).
    private int missed;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        cache.Resynchronize(await PendingAsync(cancellationToken).ConfigureAwait(false));
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The suspensions and revocations the store holds and the chain has not recorded yet.</summary>
    private async Task<Dictionary<string, IdentityStatus>> PendingAsync(CancellationToken cancellationToken)
    {
        var pending = new Dictionary<string, IdentityStatus>(StringComparer.Ordinal);
        foreach (var status in new[] { IdentityStatus.Suspended, IdentityStatus.Revoked })
        {
            long? before = null;
            do
            {
                var page = await accounts.ListAsync(new AccountQuery(Status: status, Before: before, Limit: 500), cancellationToken).ConfigureAwait(false);
                foreach (var account in page.Items.Where(a => a.Chain.RecordedStatus != status))
                {
                    pending[account.Id] = status;
                }

                before = page.NextBefore;
            }
            while (before is not null);
        }

        return pending;
    }

    /// <summary>Applies a change another replica made (<c>id|status</c>), as that replica applied it to its own cache.</summary>
    private void Signalled(string payload)
    {
        var separator = payload.LastIndexOf('|');
        if (separator > 0 && Enum.TryParse<IdentityStatus>(payload[(separator + 1)..], out var status))
        {
            cache.Changed(payload[..separator], status);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = signals.Subscribe(ReplicaSignalNames.IdentityStatus, Signalled, () => Interlocked.Exchange(ref missed, 1));
        using var timer = new PeriodicTimer(options.Value.StatusRefreshInterval, time);
        var failing = false;
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                if (Interlocked.Exchange(ref missed, 0) == 1)
                {
                    try
                    {
                        cache.Resynchronize(await PendingAsync(stoppingToken).ConfigureAwait(false));
                    }
                    catch
                    {
                        Interlocked.Exchange(ref missed, 1); // the store could not be read: next tick
                        throw;
                    }
                }

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
