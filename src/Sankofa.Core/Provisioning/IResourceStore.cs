using Sankofa.Core.Audit;
using Sankofa.Core.Tenancy;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Provisioning;

/// <summary>
/// Storage of resources with their events, reconciler claims and host allocations. Every mutation takes the audit
/// event that records it and commits both in one transaction, together with the quota it takes from or gives back to
/// its project and tenant.
/// </summary>
public interface IResourceStore
{
    /// <summary>
    /// Grows after every committed change this store instance made to tenants, projects or resources (claims and usage
    /// do not count: no answer about them is kept). Whoever keeps answers derived from the store (the API's read cache)
    /// reads it before reading the store and trusts a kept answer only while it is unchanged. Other processes' writes
    /// do not move it.
    /// </summary>
    long ChangeVersion { get; }

    /// <summary>
    /// Stores a new resource with its first event and audit entry, and takes its size from its project's and tenant's
    /// quotas in the same transaction, only if both still have room (concurrent requests need no re-reads).
    /// </summary>
    /// <param name="resource">The resource (its <see cref="Resource.Sequence"/> is assigned by the store).</param>
    /// <param name="firstEvent">The resource's first history entry.</param>
    /// <param name="audit">The audit entry of the creation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored resource.</returns>
    /// <exception cref="StoreConflictException">A quota has no room left (re-read and explain), or the idempotency key or id is taken.</exception>
    Task<Resource> CreateResourceAsync(Resource resource, NewResourceEvent firstEvent, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a resource whose stored version is still <c>updated.Version</c> (the store bumps it), appends the
    /// event and the audit entry when given, and gives <paramref name="release"/> back to its project and tenant.
    /// </summary>
    /// <returns>The stored resource with its new version.</returns>
    /// <exception cref="StoreConflictException">Someone else changed the resource meanwhile.</exception>
    Task<Resource> UpdateResourceAsync(Resource updated, NewResourceEvent? resourceEvent, AuditEvent? audit, ResourceTotals? release, CancellationToken cancellationToken);

    /// <summary>
    /// Stores several steps of one resource in one write: the resource's state after the last of them (if its stored
    /// version is still <c>updated.Version</c>; the store bumps it once), each step's event in order (with the status
    /// it names, <see cref="NewResourceEvent.Status"/>) and the audit entries in order. The history reads as if each
    /// step had been stored on its own; the reconciler uses it to spare a write per step it takes in one run.
    /// </summary>
    /// <returns>The stored resource with its new version.</returns>
    /// <exception cref="StoreConflictException">Someone else changed the resource meanwhile.</exception>
    Task<Resource> UpdateResourceAsync(Resource updated, IReadOnlyList<NewResourceEvent> events, IReadOnlyList<AuditEvent> audits, CancellationToken cancellationToken);

    /// <summary>
    /// Gives a resource a new spec (a resize), in one transaction: the usage of its old spec up to the resize (so
    /// neither size is metered for the other's time), the new spec, hash, status and metered-until mark, the change of
    /// size taken from (or given back to) its project's and tenant's quotas, the event and the audit entry. Applied only
    /// while the stored version is still <c>resized.Version</c> and the stored metered-until mark is still
    /// <paramref name="meteredFrom"/> (what the usage was computed from).
    /// </summary>
    /// <param name="resized">The resource with its new spec, hash, status and metered-until mark.</param>
    /// <param name="usage">Usage of the old spec from <paramref name="meteredFrom"/> to the resize.</param>
    /// <param name="meteredFrom">The metered-until mark the usage starts at, as read.</param>
    /// <param name="change">New size minus old, per field (negative when it shrinks; <c>Vms</c> 0).</param>
    /// <param name="resourceEvent">The history entry.</param>
    /// <param name="audit">The audit entry.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored resource with its new version.</returns>
    /// <exception cref="StoreConflictException">The resource or its metering changed meanwhile, or a quota has no room for the growth.</exception>
    Task<Resource> ResizeResourceAsync(
        Resource resized, IReadOnlyList<UsageRecord> usage, DateTimeOffset? meteredFrom, ResourceTotals change, NewResourceEvent resourceEvent, AuditEvent audit,
        CancellationToken cancellationToken);

    /// <summary>One resource, or null.</summary>
    Task<Resource?> GetResourceAsync(string resourceId, CancellationToken cancellationToken);

    /// <summary>The resource created in <paramref name="projectId"/> with this idempotency key, or null.</summary>
    Task<Resource?> FindByIdempotencyKeyAsync(string projectId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>A page of resources in the query's order (newest first by default), continuing after its cursor.</summary>
    /// <exception cref="ArgumentException">The cursor was made for another order, or <see cref="ResourceQuery.Before"/> is given with an order other than newest first.</exception>
    Task<ResourcePage> ListResourcesAsync(ResourceQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The same page as <see cref="ListResourcesAsync"/>, each resource as its list item's JSON (<see cref="ResourceListJson"/>):
    /// what the API's list answers with. A store that keeps those bytes reads them instead of the resources.
    /// </summary>
    async Task<ResourceJsonPage> ListResourceJsonAsync(ResourceQuery query, CancellationToken cancellationToken)
    {
        var page = await ListResourcesAsync(query, cancellationToken).ConfigureAwait(false);
        return new ResourceJsonPage([.. page.Items.Select(r => new ReadOnlyMemory<byte>(ResourceListJson.Of(r)))], page.NextBefore) { Next = page.Next };
    }

    /// <summary>
    /// One resource as its list item's JSON (<see cref="ResourceListJson"/>) with what a read of it needs beside
    /// (its tenant, for visibility, and when it last changed, for the chain's record), or null: what the API's read of
    /// one resource answers with before its history and record. A store that keeps the item reads it instead of the resource.
    /// </summary>
    async Task<ResourceJson?> GetResourceJsonAsync(string resourceId, CancellationToken cancellationToken) =>
        await GetResourceAsync(resourceId, cancellationToken).ConfigureAwait(false) is { } r
            ? new ResourceJson(r.Id, r.TenantId, r.UpdatedAt, ResourceListJson.Of(r))
            : null;

    /// <summary>A resource's history, oldest first.</summary>
    Task<IReadOnlyList<ResourceEvent>> GetEventsAsync(string resourceId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> unsettled resources whose next attempt is due, soonest first: each is leased
    /// to <paramref name="owner"/> until <paramref name="until"/> (its next attempt moves there), so no other server's
    /// reconciler takes it meanwhile. The reconciler renews the lease with every step it stores.
    /// </summary>
    /// <returns>The resources this call claimed (never one another server claimed at the same time).</returns>
    Task<IReadOnlyList<Resource>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset until, int max, CancellationToken cancellationToken);

    /// <summary>Makes every unsettled resource leased to <paramref name="owner"/> due now: a restarted server resumes its own work at once.</summary>
    /// <returns>How many were released.</returns>
    Task<int> ReleaseClaimsAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>What every resource that holds capacity occupies, for building the placement's fleet state.</summary>
    Task<IReadOnlyList<HostAllocation>> GetAllocationsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Every resource placed on a site except the deleted ones, with only what comparing them with the site's own
    /// inventory needs (read every time a site's agent reports, so no placement or spec is read).
    /// </summary>
    Task<IReadOnlyList<SiteResource>> GetSiteResourcesAsync(string siteId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends an event to a resource's history, with its audit entry when one is given, without changing the resource
    /// (its status and version stay, so nobody's write runs into it: an agent's progress reports never make the
    /// reconciler's next write conflict).
    /// </summary>
    /// <returns>False when there is no such resource (nothing is written).</returns>
    Task<bool> AppendEventAsync(string resourceId, NewResourceEvent resourceEvent, AuditEvent? audit, CancellationToken cancellationToken);
}

/// <summary>A resource as a site's inventory is compared with it.</summary>
/// <param name="Id">The resource id (the mark on its VM).</param>
/// <param name="Status">Its state.</param>
/// <param name="Desired">Present or absent.</param>
/// <param name="VmNode">The node its VM is on, once cloned.</param>
/// <param name="VmId">Its VM's id on the hypervisor, once cloned.</param>
/// <param name="VerifiedAt">When it became Verified.</param>
public sealed record SiteResource(string Id, ResourceStatus Status, DesiredState Desired, string? VmNode, int? VmId, DateTimeOffset? VerifiedAt);

/// <summary>What one resource occupies on a host.</summary>
/// <param name="ResourceId">The resource.</param>
/// <param name="HostId">The host.</param>
/// <param name="Size">vCPU, RAM and disk.</param>
/// <param name="AntiAffinityGroup">Its anti-affinity group, if any.</param>
/// <param name="TenantId">The tenant that owns it, and so its anti-affinity group.</param>
public sealed record HostAllocation(string ResourceId, string HostId, ComputeResources Size, string? AntiAffinityGroup, string TenantId);

/// <summary>Filters, order and cursor paging for listing resources.</summary>
/// <param name="TenantId">Only this tenant's.</param>
/// <param name="ProjectId">Only this project's.</param>
/// <param name="Status">Only resources in this state.</param>
/// <param name="SiteId">Only resources placed on this site.</param>
/// <param name="Before">Cursor of the default order (newest first): only resources with a sequence below this one.</param>
/// <param name="Limit">Page size.</param>
/// <param name="Tenants">Only these tenants' (those the caller may see); null: no such limit. Applied in the query, so
/// other tenants' resources are never read, counted or paged over.</param>
/// <param name="Sort">What the list is ordered by; ties (same name, status or site) by creation.</param>
/// <param name="Descending">Largest first (newest first, for <see cref="ResourceSort.Created"/>).</param>
/// <param name="After">Cursor of any order: the <see cref="ResourcePage.Next"/> of the previous page in the same order.</param>
public sealed record ResourceQuery(
    string? TenantId = null, string? ProjectId = null, ResourceStatus? Status = null, string? SiteId = null, long? Before = null, int Limit = 100,
    IReadOnlyCollection<string>? Tenants = null, ResourceSort Sort = ResourceSort.Created, bool Descending = true, ResourceCursor? After = null);

/// <summary>A page of resources and the cursors of the next (null on the last page).</summary>
/// <param name="Items">In the query's order.</param>
/// <param name="NextBefore">Pass as <see cref="ResourceQuery.Before"/>; only in the default order (newest first).</param>
public sealed record ResourcePage(IReadOnlyList<Resource> Items, long? NextBefore)
{
    /// <summary>Pass as <see cref="ResourceQuery.After"/> with the same order; null on the last page.</summary>
    public ResourceCursor? Next { get; init; }
}

/// <summary>A page of resources as their list items' JSON (<see cref="ResourceListJson"/>), and the cursors of the next page.</summary>
/// <param name="Items">Each resource's list item, in the query's order.</param>
/// <param name="NextBefore">As <see cref="ResourcePage.NextBefore"/>.</param>
/// <remarks>
/// A store may read the items into one buffer rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/> (a page of
/// 100 is ~200 KB: one array per item, or one array for the page on the large object heap, cost more than the read) and
/// name it in <see cref="PooledBuffer"/>; <see cref="Dispose"/> gives it back, after which <see cref="Items"/> must not be read.
/// Not disposing is safe (the buffer is then collected as any array).
/// </remarks>
public sealed record ResourceJsonPage(IReadOnlyList<ReadOnlyMemory<byte>> Items, long? NextBefore) : IDisposable
{
    private int returned;

    /// <summary>As <see cref="ResourcePage.Next"/>.</summary>
    public ResourceCursor? Next { get; init; }

    /// <summary>The pooled buffer <see cref="Items"/> lie in, if any, given back by <see cref="Dispose"/>.</summary>
    public byte[]? PooledBuffer { get; init; }

    /// <summary>Gives <see cref="PooledBuffer"/> back to the pool, once.</summary>
    public void Dispose()
    {
        if (PooledBuffer is { } buffer && Interlocked.Exchange(ref returned, 1) == 0)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>One resource as its list item's JSON (<see cref="ResourceListJson"/>), with its tenant and last change.</summary>
/// <param name="Id">The resource's id.</param>
/// <param name="TenantId">Its tenant.</param>
/// <param name="UpdatedAt">When it last changed (as <see cref="Resource.UpdatedAt"/>).</param>
/// <param name="Item">Its list item.</param>
public sealed record ResourceJson(string Id, string TenantId, DateTimeOffset UpdatedAt, byte[] Item);
