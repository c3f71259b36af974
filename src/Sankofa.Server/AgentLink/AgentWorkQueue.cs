using System.Collections.Concurrent;
using Sankofa.Core.Agents;
using Sankofa.Core.Provisioning;

namespace Sankofa.Server.AgentLink;

/// <summary>
/// The reconciler's queue of work for sites with agents: stored first (it survives a restart), then handed to the
/// site's link at once when its agent is linked to this server; an agent that links later gets every open item then.
/// </summary>
internal sealed class AgentWorkQueue(ISiteWorkStore store, IAgentStore registry, ConnectedAgents agents, TimeProvider time) : ISiteWorkQueue
{
    // A site with an approved agent rarely stops having one (a revocation): "yes" is kept a while, "no" briefly, so an
    // approval takes effect within seconds while the reconciler's many questions cost no query each.
    private static readonly TimeSpan AgentSiteAge = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DirectSiteAge = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, (bool Agent, DateTimeOffset Until)> modes = new(StringComparer.Ordinal);

    public async ValueTask<bool> IsAgentSiteAsync(string siteId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (modes.TryGetValue(siteId, out var known) && known.Until > now)
        {
            return known.Agent;
        }

        // A linked agent proved the site's key on chain: the site is in agent mode even before the registry is re-read.
        var agent = agents.Find(siteId) is not null
                    || (await registry.ListAsync(siteId, null, 100, cancellationToken).ConfigureAwait(false)).Any(a => a.State == AgentState.Approved);
        modes[siteId] = (agent, now + (agent ? AgentSiteAge : DirectSiteAge));
        return agent;
    }

    public async Task<SiteWorkItem> EnqueueAsync(string siteId, string resourceId, SiteWorkKind kind, SiteWorkOrder order, CancellationToken cancellationToken)
    {
        var (item, _) = await store.EnqueueAsync(siteId, resourceId, kind, order, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        agents.Connection(siteId)?.Send(item, time.GetUtcNow());
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
