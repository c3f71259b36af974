using Sankofa.Core.Provisioning;
using Sankofa.Core.Replicas;

namespace Sankofa.Server.AgentLink;

/// <summary>
/// Hands a site's open work to its agent's link on this replica. An agent keeps one link, to one replica, while the
/// reconciler on any replica may queue work for it: the replica that queued it signals <see cref="ReplicaSignalNames.SiteWork"/>
/// and the one holding the link sends what is open, read from the store. When signals may have been missed, every link
/// here is sent its open work again (what was sent already is not).
/// </summary>
internal sealed partial class AgentWorkDelivery(
    ISiteWorkStore work, ConnectedAgents agents, IReplicaSignals signals, TimeProvider time, ILogger<AgentWorkDelivery> logger)
    : IHostedService, IDisposable
{
    private const int PageSize = 500;

    private IDisposable? subscription;
    private CancellationTokenSource stopping = new();

    /// <summary>Sends the site's open work (all of it, or what was sent on this link before <paramref name="resendBefore"/>).</summary>
    public async Task SendOpenAsync(AgentConnection link, DateTimeOffset? resendBefore, CancellationToken cancellationToken)
    {
        long? after = null;
        while (true)
        {
            var page = await work.ListOpenAsync(link.Site, after, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var item in page)
            {
                link.Send(item, time.GetUtcNow(), resendBefore);
            }

            if (page.Count < PageSize)
            {
                return;
            }

            after = page[^1].Seq;
        }
    }

    /// <summary>Work for <paramref name="siteId"/> was queued: sent by this replica if its agent is linked here, else by the one holding its link.</summary>
    public void Queued(string siteId, SiteWorkItem item)
    {
        if (agents.Connection(siteId) is { } link)
        {
            link.Send(item, time.GetUtcNow());
        }
        else
        {
            signals.Publish(ReplicaSignalNames.SiteWork, siteId);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = signals.Subscribe(ReplicaSignalNames.SiteWork, Signalled, Missed);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        subscription?.Dispose();
        await stopping.CancelAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        subscription?.Dispose();
        stopping.Dispose();
    }

    private void Signalled(string siteId)
    {
        if (agents.Connection(siteId) is { } link)
        {
            _ = SendInBackgroundAsync(link);
        }
    }

    private void Missed()
    {
        foreach (var agent in agents.All)
        {
            Signalled(agent.Site);
        }
    }

    // Off the bus's thread: the store is read. A failure leaves the work to the link's own resending (AgentLink:MaintainInterval).
    private async Task SendInBackgroundAsync(AgentConnection link)
    {
        try
        {
            await Task.Yield();
            await SendOpenAsync(link, resendBefore: null, stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSendFailed(logger, link.Site, ex.Message);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {Site}'s work signalled by another replica could not be read ({Reason}); the link's resending sends it later")]
    private static partial void LogSendFailed(ILogger logger, string site, string reason);
}
