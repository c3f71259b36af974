using Sankofa.Core.Placement;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Provisioning;

/// <summary>
/// The fleet as placement sees it, kept in memory: loaded from the store's allocations, then changed as this process
/// reserves and releases capacity, and reloaded every <see cref="ProvisioningOptions.CapacityRefreshInterval"/> so
/// other servers' allocations show up. Rebuilding it from every allocation per request made accepting a request cost
/// time in proportion to the fleet's size. Site and host health are applied at each decision: catalog health,
/// overridden by what the sites' hypervisors last reported, and sites without a hypervisor Sankofa can drive are down.
/// </summary>
public sealed class FleetCapacity
{
    private readonly IResourceStore _store;
    private readonly SiteCatalog _catalog;
    private readonly HashSet<string>? _provisionableSites;
    private readonly ISiteHealth? _health;
    private readonly TimeProvider _time;
    private readonly TimeSpan _refreshInterval;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly Lock _sync = new();

    // Reserved in memory but maybe not yet in the store: a reload keeps them unless the store already has them.
    private readonly Dictionary<string, HostAllocation> _pending = new(StringComparer.Ordinal);
    private FleetState? _state;
    private DateTimeOffset _loadedAt;

    // The observation last applied per site (catalog order), and the state it was applied to.
    private readonly SiteObservation?[] _applied;
    private FleetState? _healthAppliedTo;
    private readonly ISiteFailovers? _failovers;
    private long _failoversApplied = -1;

    /// <summary>Creates the view; nothing is read until the first decision.</summary>
    /// <param name="store">Where allocations are stored.</param>
    /// <param name="catalog">The fleet's sites and hosts.</param>
    /// <param name="options">The reload interval.</param>
    /// <param name="time">The clock.</param>
    /// <param name="provisionableSites">Sites that have a hypervisor Sankofa can drive; the others are down. Null: every site.</param>
    /// <param name="health">What the sites' hypervisors last reported; null: catalog health only.</param>
    /// <param name="failovers">Site failovers decided on chain; null: none.</param>
    public FleetCapacity(
        IResourceStore store, SiteCatalog catalog, ProvisioningOptions options, TimeProvider time,
        IEnumerable<string>? provisionableSites = null, ISiteHealth? health = null, ISiteFailovers? failovers = null)
    {
        _failovers = failovers;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _refreshInterval = (options ?? throw new ArgumentNullException(nameof(options))).CapacityRefreshInterval;
        _provisionableSites = provisionableSites?.ToHashSet(StringComparer.Ordinal);
        _health = health;
        _applied = new SiteObservation?[catalog.Sites.Count];
    }

    /// <summary>
    /// Runs a placement decision on the current state, one at a time. When <paramref name="decide"/> returns an
    /// allocation, it is reserved before the next decision runs; confirm it with <see cref="Stored"/> once the store has
    /// it, or give it back with <see cref="Release"/>.
    /// </summary>
    public async Task<T> DecideAsync<T>(Func<FleetState, (T Result, HostAllocation? Reserve)> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        await CurrentAsync(cancellationToken).ConfigureAwait(false);
        lock (_sync)
        {
            // The newest state, not the one just awaited: a reload may have replaced it meanwhile.
            var state = _state!;
            ApplyHealth(state);
            var (result, reserve) = decide(state);
            if (reserve is not null)
            {
                state.Allocate(reserve.HostId, reserve.Size, reserve.AntiAffinityGroup, reserve.TenantId);
                _pending[reserve.ResourceId] = reserve;
            }

            return result;
        }
    }

    /// <summary>
    /// Changes the room a resource holds on its host to <paramref name="size"/> (a resize), when the host has it; a
    /// growth is reserved before the next decision runs. Confirm with <see cref="Stored"/> once the store has the new
    /// size, or undo with <see cref="Resize"/> back to the old size.
    /// </summary>
    /// <returns>Null when reserved; otherwise what the host has free besides what the resource holds now.</returns>
    public async Task<ComputeResources?> ResizeAsync(HostAllocation current, ComputeResources size, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        await CurrentAsync(cancellationToken).ConfigureAwait(false);
        lock (_sync)
        {
            var state = _state!;
            var free = state.GetFree(current.HostId) + current.Size;
            if (!free.Covers(size))
            {
                return free;
            }

            ApplyResize(state, current, size);
            return null;
        }
    }

    /// <summary>Changes the room a resource holds on its host without asking whether it fits (an undo, or the store's word).</summary>
    public void Resize(HostAllocation current, ComputeResources size)
    {
        ArgumentNullException.ThrowIfNull(current);
        lock (_sync)
        {
            if (_state is { } state)
            {
                ApplyResize(state, current, size);
            }
        }
    }

    private void ApplyResize(FleetState state, HostAllocation current, ComputeResources size)
    {
        try
        {
            state.Release(current.HostId, current.Size, current.AntiAffinityGroup, current.TenantId);
            state.Allocate(current.HostId, size, current.AntiAffinityGroup, current.TenantId);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
        {
            // The state was reloaded without it meanwhile (or the host left the catalog): the next reload has it right.
        }

        _pending[current.ResourceId] = current with { Size = size };
    }

    /// <summary>The store now holds the reservation: a reload reads it from there.</summary>
    public void Stored(string resourceId)
    {
        lock (_sync)
        {
            _pending.Remove(resourceId);
        }
    }

    /// <summary>Gives capacity back: a reservation the store refused, or a resource that was deleted or rolled back.</summary>
    public void Release(HostAllocation allocation)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        lock (_sync)
        {
            _pending.Remove(allocation.ResourceId);
            try
            {
                _state?.Release(allocation.HostId, allocation.Size, allocation.AntiAffinityGroup, allocation.TenantId);
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
            {
                // The state was reloaded without it meanwhile (or the host left the catalog): nothing to give back.
            }
        }
    }

    private async Task CurrentAsync(CancellationToken cancellationToken)
    {
        if (Fresh())
        {
            return;
        }

        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh())
            {
                return;
            }

            // Read outside the lock: decisions go on against the old state meanwhile.
            var allocations = await _store.GetAllocationsAsync(cancellationToken).ConfigureAwait(false);
            var state = new FleetState(_catalog);
            var stored = new HashSet<string>(StringComparer.Ordinal);
            foreach (var allocation in allocations)
            {
                stored.Add(allocation.ResourceId);
                Allocate(state, allocation);
            }

            lock (_sync)
            {
                foreach (var pending in _pending.Values.Where(p => !stored.Contains(p.ResourceId)))
                {
                    Allocate(state, pending);
                }

                (_state, _loadedAt) = (state, _time.GetUtcNow());
            }
        }
        finally
        {
            _reload.Release();
        }
    }

    private bool Fresh()
    {
        lock (_sync)
        {
            return _state is not null && _time.GetUtcNow() - _loadedAt < _refreshInterval;
        }
    }

    private static void Allocate(FleetState state, HostAllocation allocation)
    {
        try
        {
            state.Allocate(allocation.HostId, allocation.Size, allocation.AntiAffinityGroup, allocation.TenantId);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
        {
            // A host the catalog no longer has, or that shrank: it takes no new VMs either way.
        }
    }

    private void ApplyHealth(FleetState state)
    {
        // A failover started or ended: every site is applied again (failovers are rare, decisions frequent).
        var failoverVersion = _failovers?.Version ?? 0;
        var reloaded = !ReferenceEquals(state, _healthAppliedTo) || failoverVersion != _failoversApplied;
        _healthAppliedTo = state;
        _failoversApplied = failoverVersion;
        for (var i = 0; i < _catalog.Sites.Count; i++)
        {
            var site = _catalog.Sites[i];
            if (reloaded)
            {
                state.SetFailover(site.Id, _failovers?.FailoverOf(site.Id)?.ToSiteId);
            }

            // A site's own agent drives its hypervisor: the control plane needs no cluster of its own configured for it.
            if (_provisionableSites is not null && !_provisionableSites.Contains(site.Id) && _health?.Observe(site.Id)?.Source != ObservationSource.Agent)
            {
                state.SetSiteStatus(site.Id, SiteStatus.Down);
                continue;
            }

            // A site probed down (or a node gone) takes no new VMs: they fail over to an adjacent site instead. Probes
            // change every few seconds, decisions come hundreds a second: only a new observation is applied again.
            var observed = _health?.Observe(site.Id);
            if (!reloaded && ReferenceEquals(observed, _applied[i]))
            {
                continue;
            }

            _applied[i] = observed;
            // A site failed over by a decision on chain takes no new work, whatever its probes say.
            state.SetSiteStatus(site.Id, state.FailoverTargets[i] >= 0 ? SiteStatus.Down : observed?.Status ?? site.Status);
            foreach (var host in site.Hosts)
            {
                var online = observed is null || observed.Hosts.Any(h => h.HostId == host.Id && h.Online);
                state.SetHostStatus(host.Id, online ? host.Status : SiteStatus.Down);
            }
        }
    }
}
