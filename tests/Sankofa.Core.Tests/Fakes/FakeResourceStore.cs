using Sankofa.Core.Audit;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Tenancy;

namespace Sankofa.Core.Tests.Fakes;

/// <summary>
/// Resources, their events and audit entries in memory, with the store's version check, unique ids and idempotency keys
/// and tenant visibility in lists: what the reconciler, the provisioning service and the resource queries read and
/// write. Members none of them calls throw, so a test that reaches one says so.
/// </summary>
internal sealed class FakeResourceStore : IResourceStore
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Resource> _resources = new(StringComparer.Ordinal);
    private readonly List<ResourceEvent> _events = [];
    private readonly List<AuditEvent> _audit = [];

    public long ChangeVersion { get; private set; }

    /// <summary>Every audit event written, in order.</summary>
    public IReadOnlyList<AuditEvent> Audit
    {
        get
        {
            lock (_sync)
            {
                return [.. _audit];
            }
        }
    }

    /// <summary>Stores a resource as it is (a test's starting point).</summary>
    public Resource Add(Resource resource)
    {
        lock (_sync)
        {
            var stored = resource with { Sequence = _resources.Count + 1, Version = 1 };
            _resources[resource.Id] = stored;
            return stored;
        }
    }

    public Task<Resource> UpdateResourceAsync(Resource updated, NewResourceEvent? resourceEvent, AuditEvent? audit, ResourceTotals? release, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (!_resources.TryGetValue(updated.Id, out var stored) || stored.Version != updated.Version)
            {
                throw new StoreConflictException($"Resource {updated.Id} changed meanwhile.");
            }

            var saved = updated with { Version = stored.Version + 1 };
            _resources[saved.Id] = saved;
            if (resourceEvent is not null)
            {
                _events.Add(new ResourceEvent(_events.Count + 1, saved.Id, saved.UpdatedAt, saved.Status, resourceEvent.Kind, resourceEvent.Message));
            }

            if (audit is not null)
            {
                _audit.Add(audit);
            }

            ChangeVersion++;
            return Task.FromResult(saved);
        }
    }

    public Task<Resource> UpdateResourceAsync(Resource updated, IReadOnlyList<NewResourceEvent> events, IReadOnlyList<AuditEvent> audits, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (!_resources.TryGetValue(updated.Id, out var stored) || stored.Version != updated.Version)
            {
                throw new StoreConflictException($"Resource {updated.Id} changed meanwhile.");
            }

            var saved = updated with { Version = stored.Version + 1 };
            _resources[saved.Id] = saved;
            foreach (var e in events)
            {
                _events.Add(new ResourceEvent(_events.Count + 1, saved.Id, saved.UpdatedAt, e.Status ?? saved.Status, e.Kind, e.Message));
            }

            _audit.AddRange(audits);
            ChangeVersion++;
            return Task.FromResult(saved);
        }
    }

    /// <summary>Usage a resize metered, in order (quotas are the tenant store's, not kept here).</summary>
    public List<UsageRecord> ResizeUsage { get; } = [];

    public Task<Resource> ResizeResourceAsync(
        Resource resized, IReadOnlyList<UsageRecord> usage, DateTimeOffset? meteredFrom, ResourceTotals change, NewResourceEvent resourceEvent, AuditEvent audit,
        CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (!_resources.TryGetValue(resized.Id, out var stored) || stored.Version != resized.Version || stored.MeteredUntil != meteredFrom)
            {
                throw new StoreConflictException($"Resource {resized.Id} changed meanwhile.");
            }

            ResizeUsage.AddRange(usage);
        }

        return UpdateResourceAsync(resized, resourceEvent, audit, null, cancellationToken);
    }

    public Task<Resource?> GetResourceAsync(string resourceId, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult(_resources.GetValueOrDefault(resourceId));
        }
    }

    public Task<IReadOnlyList<ResourceEvent>> GetEventsAsync(string resourceId, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult<IReadOnlyList<ResourceEvent>>([.. _events.Where(e => e.ResourceId == resourceId)]);
        }
    }

    /// <summary>Newest first by sequence; honours the tenant and status filters, the caller's tenants, the limit and the <see cref="ResourceQuery.After"/> cursor.</summary>
    public Task<ResourcePage> ListResourcesAsync(ResourceQuery query, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var after = query.After is { } cursor ? cursor.Sequence : long.MaxValue;
            var items = _resources.Values
                .Where(r => (query.Status is null || r.Status == query.Status) && r.Sequence < after)
                .Where(r => (query.Tenants is null || query.Tenants.Contains(r.TenantId)) && (query.TenantId is null || r.TenantId == query.TenantId))
                .OrderByDescending(r => r.Sequence)
                .Take(query.Limit + 1)
                .ToList();
            var more = items.Count > query.Limit;
            var page = items.Take(query.Limit).ToList();
            return Task.FromResult(new ResourcePage(page, null) { Next = more ? new ResourceCursor(ResourceSort.Created, true, null, page[^1].Sequence) : null });
        }
    }

    /// <summary>Stores a new resource with its first event and audit entry; a taken id or idempotency key is a conflict.</summary>
    public Task<Resource> CreateResourceAsync(Resource resource, NewResourceEvent firstEvent, AuditEvent audit, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (_resources.ContainsKey(resource.Id) || (resource.IdempotencyKey is { } key && Find(resource.ProjectId, key) is not null))
            {
                throw new StoreConflictException($"Resource {resource.Id} or its idempotency key is taken.");
            }

            var stored = Add(resource);
            _events.Add(new ResourceEvent(_events.Count + 1, stored.Id, stored.CreatedAt, stored.Status, firstEvent.Kind, firstEvent.Message));
            _audit.Add(audit);
            ChangeVersion++;
            return Task.FromResult(stored);
        }
    }

    public Task<Resource?> FindByIdempotencyKeyAsync(string projectId, string idempotencyKey, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult(Find(projectId, idempotencyKey));
        }
    }

    public Task<IReadOnlyList<HostAllocation>> GetAllocationsAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult<IReadOnlyList<HostAllocation>>([.. _resources.Values.Where(r => r.HoldsCapacity).Select(r => r.Allocation)]);
        }
    }

    public Task<IReadOnlyList<SiteResource>> GetSiteResourcesAsync(string siteId, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            return Task.FromResult<IReadOnlyList<SiteResource>>([.. _resources.Values
                .Where(r => r.Placement.SiteId == siteId && r.Status != ResourceStatus.Deleted)
                .Select(r => new SiteResource(r.Id, r.Status, r.Desired, r.Vm?.Node, r.Vm?.VmId, r.VerifiedAt))]);
        }
    }

    public Task<bool> AppendEventAsync(string resourceId, NewResourceEvent resourceEvent, AuditEvent? audit, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (!_resources.TryGetValue(resourceId, out var stored))
            {
                return Task.FromResult(false);
            }

            _events.Add(new ResourceEvent(_events.Count + 1, resourceId, stored.UpdatedAt, stored.Status, resourceEvent.Kind, resourceEvent.Message));
            if (audit is not null)
            {
                _audit.Add(audit);
            }

            ChangeVersion++;
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<Resource>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset until, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<int> ReleaseClaimsAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

    private Resource? Find(string projectId, string idempotencyKey) =>
        _resources.Values.FirstOrDefault(r => r.ProjectId == projectId && r.IdempotencyKey == idempotencyKey);
}
