using Sankofa.Core.Agents;
using Sankofa.Core.Provisioning;

namespace Sankofa.Server.AgentLink;

/// <summary>
/// The reconciler's queue of work for sites with agents: stored first (it survives a restart), then handed to the
/// site's link at once when its agent is linked to this server, or signalled to the replica holding its link; an agent
/// that links later gets every open item then.
/// </summary>
internal sealed class AgentWorkQueue(ISiteWorkStore store, SiteInventory inventory, ConnectedAgents agents, AgentWorkDelivery delivery, TimeProvider time) : ISiteWorkQueue
{
    // A linked agent proved the site's key on chain; otherwise the inventory decides, as it does for the site's health.
    public ValueTask<bool> IsAgentSiteAsync(string siteId, CancellationToken cancellationToken) =>
        agents.Find(siteId) is not null ? ValueTask.FromResult(true) : inventory.IsAgentSiteAsync(siteId, cancellationToken);

    public async Task<SiteWorkItem> EnqueueAsync(string siteId, string resourceId, SiteWorkKind kind, SiteWorkOrder order, CancellationToken cancellationToken)
    {
        var (item, _) = await store.EnqueueAsync(siteId, resourceId, kind, order, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        delivery.Queued(siteId, item);
        return item;
    }

    public Task<SiteWorkItem?> LatestAsync(string resourceId, SiteWorkKind kind, CancellationToken cancellationToken) =>
        store.LatestAsync(resourceId, kind, cancellationToken);

    public async Task CloseAsync(SiteWorkItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        await store.CloseAsync(item.WorkId, cancellationToken).ConfigureAwait(false);
        agents.Connection(item.SiteId)?.Forget(item.WorkId);
    }
}
