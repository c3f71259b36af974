using Sankofa.Core.Provisioning;

namespace Sankofa.Core.Tests.Fakes;

/// <summary>An in-memory site work queue: sites listed in <see cref="AgentSites"/> have an agent; the test plays the agent.</summary>
internal sealed class FakeSiteWorkQueue : ISiteWorkQueue
{
    private readonly List<SiteWorkItem> items = [];
    private long seq;

    public HashSet<string> AgentSites { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<SiteWorkItem> Items => items;

    public ValueTask<bool> IsAgentSiteAsync(string siteId, CancellationToken cancellationToken) => ValueTask.FromResult(AgentSites.Contains(siteId));

    public Task<SiteWorkItem> EnqueueAsync(string siteId, string resourceId, SiteWorkKind kind, SiteWorkOrder order, CancellationToken cancellationToken)
    {
        if (items.LastOrDefault(i => i.ResourceId == resourceId && i.Kind == kind && i.State == SiteWorkState.Open) is { } open)
        {
            return Task.FromResult(open);
        }

        var item = new SiteWorkItem(++seq, "w" + seq, siteId, resourceId, kind, SiteWorkState.Open, order, DateTimeOffset.UnixEpoch, null, null);
        items.Add(item);
        return Task.FromResult(item);
    }

    public Task<SiteWorkItem?> LatestAsync(string resourceId, SiteWorkKind kind, CancellationToken cancellationToken) =>
        Task.FromResult(items.LastOrDefault(i => i.ResourceId == resourceId && i.Kind == kind));

    public Task CloseAsync(SiteWorkItem item, CancellationToken cancellationToken)
    {
        Replace(item.WorkId, i => i with { State = SiteWorkState.Closed });
        return Task.CompletedTask;
    }

    /// <summary>The agent's result of the open item.</summary>
    public void Finish(SiteWorkItem item, SiteWorkResult result) =>
        Replace(item.WorkId, i => i.State == SiteWorkState.Open ? i with { State = SiteWorkState.Finished, Result = result } : i);

    private void Replace(string workId, Func<SiteWorkItem, SiteWorkItem> change)
    {
        var index = items.FindIndex(i => i.WorkId == workId);
        items[index] = change(items[index]);
    }
}
