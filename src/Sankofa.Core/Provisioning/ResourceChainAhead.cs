using System.Text.Json;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Provisioning;

/// <summary>
/// Finds what the chain recorded about resources beyond the store — after a restore from a backup, the requests,
/// provisionings and deletions made after the backup point — by reading the ResourceRegistry's events since the
/// store's last comparison (a block kept in the store itself, so a restored store reads again from where it was) and
/// comparing each resource's record on chain with the store. Where the chain and the site's hypervisor agree it brings
/// the store in line (a VM the chain says was provisioned and that carries the resource's id is taken over rather than
/// cloned again; a removal the chain records is carried out); the rest it reports. It never destroys a VM the store does
/// not know: the chain holds only a resource's spec hash and placement, not its owner, project or spec.
/// </summary>
public sealed class ResourceChainAhead
{
    private const int StorePage = 500;

    private readonly IResourceStore _store;
    private readonly IResourceLedger _ledger;
    private readonly IResourceChainGapStore _gaps;
    private readonly IVirtualMachineProviderFactory _providers;
    private readonly SiteCatalog _sites;
    private readonly TimeProvider _time;
    private readonly ISiteWorkQueue? _agents;

    /// <summary>Creates the comparison.</summary>
    public ResourceChainAhead(
        IResourceStore store, IResourceLedger ledger, IResourceChainGapStore gaps, IVirtualMachineProviderFactory providers, SiteCatalog sites, TimeProvider time,
        ISiteWorkQueue? agents = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _gaps = gaps ?? throw new ArgumentNullException(nameof(gaps));
        _providers = providers ?? throw new ArgumentNullException(nameof(providers));
        _sites = sites ?? throw new ArgumentNullException(nameof(sites));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _agents = agents;
    }

    /// <summary>
    /// Compares the chain's resource events since the last comparison with the store, adopts what is safe, records every
    /// finding and the block read up to, and returns the findings (empty when the chain holds nothing beyond the store).
    /// </summary>
    public async Task<IReadOnlyList<ResourceChainGap>> FindAsync(CancellationToken cancellationToken)
    {
        var from = await _gaps.GetComparedToAsync(cancellationToken).ConfigureAwait(false);
        var changes = await _ledger.GetChangedAfterAsync(from, cancellationToken).ConfigureAwait(false);
        var found = new List<ResourceChainGap>();
        if (changes.Changed.Count > 0)
        {
            var known = await StoreResourcesAsync(changes.Changed.Select(c => Hex(c.ChainKey)).ToHashSet(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
            var managed = new Dictionary<string, IReadOnlyList<VirtualMachineInfo>>(StringComparer.Ordinal);
            foreach (var change in changes.Changed)
            {
                var key = Hex(change.ChainKey);
                var gap = known.TryGetValue(key, out var resource)
                    ? await CompareAsync(resource, change, cancellationToken).ConfigureAwait(false)
                    : await UnknownAsync(key, change, managed, cancellationToken).ConfigureAwait(false);
                if (gap is not null)
                {
                    found.Add(gap);
                }
            }
        }

        // Adopted first, recorded after: a crash in between compares again from the same block and finds the store in line.
        await _gaps.RecordAsync(found, changes.Head, cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>The store's resources among <paramref name="keys"/>, by chain key (the store keeps ids, the chain their hashes).</summary>
    private async Task<Dictionary<string, Resource>> StoreResourcesAsync(HashSet<string> keys, CancellationToken ct)
    {
        var known = new Dictionary<string, Resource>(StringComparer.Ordinal);
        ResourceCursor? after = null;
        do
        {
            var page = await _store.ListResourcesAsync(new ResourceQuery(Limit: StorePage, After: after), ct).ConfigureAwait(false);
            foreach (var r in page.Items)
            {
                var key = Hex(_ledger.ChainKeyOf(r.Id));
                if (keys.Contains(key))
                {
                    known[key] = r;
                }
            }

            after = page.Next;
        }
        while (after is not null && known.Count < keys.Count);

        return known;
    }

    private async Task<ResourceChainGap?> CompareAsync(Resource r, ChangedResource change, CancellationToken ct)
    {
        var chain = change.Record;
        var state = StateName(chain);
        if (!chain.SpecHash.AsSpan().SequenceEqual(r.SpecHash))
        {
            // A resize the store has not recorded yet is on its way; one the chain holds and the store lost is reported.
            return r.Status == ResourceStatus.Resizing
                ? null
                : Gap(r, change, ResourceChainGap.Reported,
                    $"The chain holds spec {Hex(chain.SpecHash)} ({state}, block {chain.UpdatedBlock}) but the store has {Hex(r.SpecHash)}: resized after the backup point. "
                    + "The new spec itself is not on chain, so it is not adopted; resize the VM again through the API.");
        }

        if (ChainRank(chain) <= StoreRank(r.Status))
        {
            return null;
        }

        if (chain.State is OnChainResourceState.Removing or OnChainResourceState.Deleted)
        {
            if (r.Status == ResourceStatus.Deleting)
            {
                return Gap(r, change, ResourceChainGap.Reported,
                    $"The chain records its deletion (block {chain.UpdatedBlock}); the reconciler finishes the removal and records nothing on chain again.");
            }

            // The chain records a removal only once one was asked for (by the owner, or a rollback): carrying it out is safe.
            return await AdoptAsync(r, r with { Desired = DesiredState.Absent, Status = ResourceStatus.Deleting }, change,
                $"The chain records its removal ({state}, block {chain.UpdatedBlock}), made after the backup point: deleting it here too "
                + "(any VM carrying its id is destroyed; the chain's record is only completed, never repeated).", ct).ConfigureAwait(false);
        }

        if (r.Desired == DesiredState.Present && r.Status is ResourceStatus.Requested or ResourceStatus.Placed or ResourceStatus.Provisioning
            && _providers.ClusterIds.Contains(r.Placement.SiteId) && !await ThroughAgentAsync(r.Placement.SiteId, ct).ConfigureAwait(false))
        {
            VirtualMachineInfo? vm;
            try
            {
                vm = await _providers.Get(r.Placement.SiteId).FindByResourceIdAsync(r.Id, ct).ConfigureAwait(false);
            }
            catch (ProvisioningException ex)
            {
                // A site that does not answer must not hold up the report: the reconciler looks for the VM itself before it clones.
                return Gap(r, change, ResourceChainGap.Reported,
                    $"The chain says {state} (block {chain.UpdatedBlock}); site {r.Placement.SiteId} did not answer ({ex.Message}), so its VM was not looked for here. "
                    + "The reconciler looks for it before cloning and takes it over when found.");
            }

            if (vm is not null)
            {
                // Provisioning with the VM found: the reconciler checks it (configure and start are idempotent), then sends
                // the control plane's and the site's attestations, which the chain ignores as repeats.
                return await AdoptAsync(r, r with { Status = ResourceStatus.Provisioning, Vm = vm.Ref }, change,
                    $"The chain says {state} (block {chain.UpdatedBlock}) and VM {vm.Ref} on {r.Placement.SiteId} carries this resource: provisioned after the backup point. "
                    + "Taken over, not cloned again; the transitions the reconciler repeats are no-ops on chain.", ct).ConfigureAwait(false);
            }

            return Gap(r, change, ResourceChainGap.Reported,
                $"The chain says {state} (block {chain.UpdatedBlock}) but no VM on {r.Placement.SiteId} carries this resource: the reconciler makes it "
                + "(each transition it sends repeats one the chain holds, so nothing is recorded twice).");
        }

        return Gap(r, change, ResourceChainGap.Reported,
            $"The chain says {state} (block {chain.UpdatedBlock}); the reconciler carries on from the store's {r.Status} and the chain ignores the steps it repeats.");
    }

    private async Task<ResourceChainGap> AdoptAsync(Resource r, Resource adopted, ChangedResource change, string detail, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (!r.IsSettled && r.NextAttemptAt > now)
        {
            // A reconciler holds it (or waits to retry it): taking it from under a live claim could run two at once. Its own
            // checks see the chain as this one does (a VM the chain says was provisioned is found, not cloned again).
            return Gap(r, change, ResourceChainGap.Reported, detail + " (Not adopted here: a reconciler is working on it and finds the same.)");
        }

        try
        {
            await _store.UpdateResourceAsync(adopted with { Attempts = 0, NextAttemptAt = now, UpdatedAt = now },
                new NewResourceEvent("chain.ahead", detail),
                new AuditEvent(ResourceReconciler.Actor, "provisioning.resource.chain-ahead", "resource:" + r.Id,
                    JsonSerializer.Serialize(new { storeStatus = r.Status.ToString(), chainState = StateName(change.Record), block = change.Record.UpdatedBlock, adopted = adopted.Status.ToString() })),
                null, ct).ConfigureAwait(false);
            return Gap(r, change, ResourceChainGap.Adopted, detail) with { Vm = adopted.Vm?.ToString() };
        }
        catch (StoreConflictException)
        {
            return Gap(r, change, ResourceChainGap.Reported, detail + " (Not adopted: the resource changed meanwhile; the reconciler takes it from its new state.)");
        }
    }

    private async Task<ResourceChainGap> UnknownAsync(
        string key, ChangedResource change, Dictionary<string, IReadOnlyList<VirtualMachineInfo>> managed, CancellationToken ct)
    {
        var chain = change.Record;
        var site = _sites.Sites.Select(s => s.Id).Concat(_providers.ClusterIds).FirstOrDefault(id => chain.Site.AsSpan().SequenceEqual(_ledger.ChainKeyOf(id)));
        VirtualMachineInfo? vm = null;
        if (site is not null && _providers.ClusterIds.Contains(site) && chain.State != OnChainResourceState.Deleted)
        {
            if (!managed.TryGetValue(site, out var vms))
            {
                try
                {
                    vms = await _providers.Get(site).ListManagedAsync(ct).ConfigureAwait(false);
                }
                catch (ProvisioningException)
                {
                    vms = []; // the site did not answer: reported without its VM
                }

                managed[site] = vms;
            }

            vm = vms.FirstOrDefault(v => v.ResourceId is { Length: > 0 } id && Hex(_ledger.ChainKeyOf(id)) == key);
        }

        var where = site ?? $"site {Hex(chain.Site)} (not one of this control plane's)";
        var detail = chain.State == OnChainResourceState.Deleted
            ? $"Unknown to the store: requested and deleted after the backup point (block {chain.UpdatedBlock}); nothing is left to do."
            : $"Unknown to the store: requested after the backup point ({StateName(chain)} on {where}, block {chain.UpdatedBlock}). The chain holds only its spec hash and "
              + "placement, not its owner, project or spec, so it cannot be restored from the chain; "
              + (vm is not null
                  ? $"VM {vm.Ref} carries its id ({vm.ResourceId}) and is left as it is: nothing destroys it automatically."
                  : "no VM on its site was found carrying it.");
        return new ResourceChainGap(key, vm?.ResourceId, StateName(chain), chain.UpdatedBlock, Hex(chain.SpecHash), site, null, vm?.Ref.ToString(),
            ResourceChainGap.Reported, detail, _time.GetUtcNow());
    }

    private ResourceChainGap Gap(Resource r, ChangedResource change, string outcome, string detail) =>
        new(Hex(change.ChainKey), r.Id, StateName(change.Record), change.Record.UpdatedBlock, Hex(change.Record.SpecHash), r.Placement.SiteId, r.Status,
            r.Vm?.ToString(), outcome, detail, _time.GetUtcNow());

    private async ValueTask<bool> ThroughAgentAsync(string siteId, CancellationToken ct) =>
        _agents is not null && await _agents.IsAgentSiteAsync(siteId, ct).ConfigureAwait(false);

    /// <summary>What the chain says, as the API shows it: verified, or the contract's state.</summary>
    public static string StateName(OnChainResource record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Verified ? "verified" : record.State.ToString().ToLowerInvariant();
    }

    // How far along each side is, on one scale: requested, placed, provisioned, verified, removing, deleted.
    private static int ChainRank(OnChainResource c) => c.State switch
    {
        OnChainResourceState.Requested => 0,
        OnChainResourceState.Placed => 1,
        OnChainResourceState.Provisioned => c.Verified ? 3 : 2,
        OnChainResourceState.Removing => 4,
        OnChainResourceState.Deleted => 5,
        _ => -1,
    };

    private static int StoreRank(ResourceStatus s) => s switch
    {
        ResourceStatus.Requested => 0,
        ResourceStatus.Placed or ResourceStatus.Provisioning or ResourceStatus.Resizing => 1,
        ResourceStatus.Provisioned => 2,
        ResourceStatus.Verified => 3,
        ResourceStatus.Deleting => 4,
        _ => 5, // Deleted, Failed: nothing further
    };

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);
}
