using System.Runtime.ExceptionServices;
using System.Text.Json;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Core.Tenancy;

namespace Sankofa.Core.Provisioning;

/// <summary>
/// Moves one resource from what is observed towards what is desired, one idempotent step at a time: chain request and
/// placement, the VM id chosen and stored, clone into it (or find the VM an interrupted run made there), configure, start, the control
/// plane's attestation, the site's attestation, Verified; or shutdown, destroy, chain removal, Deleted. Level-triggered:
/// it looks at the stored state and the hypervisor every time, so a restart anywhere resumes without duplicating.
/// A failing step is retried with backoff; when provisioning gives up, everything it made is removed first (never an
/// orphan VM) and the resource is Failed with the reason. Every state change is stored with an event and an audit entry.
/// The store is the source of truth: when the chain lost records the store says were made (a crash that cost the chain
/// its last blocks), they are recorded again from the store, as the audit anchorer does with lost roots.
/// A site with its own agent (<see cref="ISiteWorkQueue"/>) is not driven directly: its hypervisor steps go to the agent
/// as queued work, the resource waits (without holding a worker) until the agent's result is in, and the site's
/// attestation relayed is the one the agent signed.
/// </summary>
public sealed class ResourceReconciler
{
    /// <summary>The audit actor of the reconciler's changes.</summary>
    public const string Actor = "sankofa:reconciler";

    // Resources checked against the chain per store page and chain batch.
    private const int ChainCheckPage = 500;

    private readonly IResourceStore _store;
    private readonly IResourceLedger _ledger;
    private readonly IVirtualMachineProviderFactory _providers;
    private readonly ISiteAttestor _attestor;
    private readonly FleetCapacity _capacity;
    private readonly ProvisioningOptions _options;
    private readonly TimeProvider _time;
    private readonly ISiteWorkQueue? _agents;
    private readonly IResourceChainGapStore? _gaps;

    // Where each cluster keeps each template: looked up once per cluster, not per clone.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Cluster, int VmId), string> _templateNodes = new();

    // Each cluster's nodes, read at most every NodeListMaxAge rather than once per VM.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (IReadOnlyList<HypervisorNode> Nodes, DateTimeOffset ReadAt)> _nodes =
        new(StringComparer.Ordinal);

    /// <summary>Creates the reconciler.</summary>
    public ResourceReconciler(
        IResourceStore store, IResourceLedger ledger, IVirtualMachineProviderFactory providers, ISiteAttestor attestor, FleetCapacity capacity,
        ProvisioningOptions options, TimeProvider time, ISiteWorkQueue? agents = null, IResourceChainGapStore? gaps = null)
    {
        _agents = agents;
        _gaps = gaps;
        _capacity = capacity ?? throw new ArgumentNullException(nameof(capacity));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _providers = providers ?? throw new ArgumentNullException(nameof(providers));
        _attestor = attestor ?? throw new ArgumentNullException(nameof(attestor));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>Runs steps until the resource is settled or must wait; returns it as stored last.</summary>
    public async Task<Resource> ReconcileAsync(Resource resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var current = resource;
        VirtualMachineRef? reservedHere = null;
        try
        {
            // Bounded so one resource cannot monopolise a worker; the next round continues where this one stopped.
            for (var step = 0; !current.IsSettled; step++)
            {
                if (step == 16)
                {
                    // Give up the claim so the next round takes it again at once.
                    var now = _time.GetUtcNow();
                    return await _store.UpdateResourceAsync(current with { NextAttemptAt = now, UpdatedAt = now }, null, null, null, cancellationToken).ConfigureAwait(false);
                }

                if (await WaitingForAgentAsync(current, cancellationToken).ConfigureAwait(false) is { } waiting)
                {
                    return waiting;
                }

                var before = current;
                current = await StepAsync(current, reservedHere, cancellationToken).ConfigureAwait(false);
                // An id reserved by this very run cannot hold a VM yet (an interrupted run resumes from the store, without it).
                reservedHere = before.Status is ResourceStatus.Placed or ResourceStatus.Requested && current.Status == ResourceStatus.Provisioning ? current.Vm : null;
            }

            return current;
        }
        catch (StoreConflictException)
        {
            // Someone else (a delete request) changed the resource meanwhile: the next round starts from the new state.
            return await _store.GetResourceAsync(resource.Id, cancellationToken).ConfigureAwait(false) ?? current;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return await FailedStepAsync(current, ex, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Resource> StepAsync(Resource r, VirtualMachineRef? reservedHere, CancellationToken ct)
    {
        if (r.Status == ResourceStatus.Deleting)
        {
            return await RemoveAsync(r, ct).ConfigureAwait(false);
        }

        if (r.Desired == DesiredState.Absent)
        {
            return await SaveAsync(r with { Status = ResourceStatus.Deleting }, "resource.deleting", "Deleting: shutting the VM down.", "provisioning.resource.deleting", null, ct)
                .ConfigureAwait(false);
        }

        if (r.Status is ResourceStatus.Placed or ResourceStatus.Provisioning && await ThroughAgentAsync(r, ct).ConfigureAwait(false))
        {
            return await ProvisionThroughAgentAsync(r, ct).ConfigureAwait(false);
        }

        return r.Status switch
        {
            ResourceStatus.Requested => await RecordOnChainAsync(r, ct).ConfigureAwait(false),
            ResourceStatus.Resizing => await RecordResizeAsync(r, ct).ConfigureAwait(false),
            ResourceStatus.Placed => await ReserveVmIdAsync(r, ct).ConfigureAwait(false),
            ResourceStatus.Provisioning => await ProvisionAsync(r, reservedHere, ct).ConfigureAwait(false),
            ResourceStatus.Provisioned => await VerifyAsync(r, ct).ConfigureAwait(false),
            _ => r,
        };
    }

    private async ValueTask<bool> ThroughAgentAsync(Resource r, CancellationToken ct) =>
        _agents is not null && await _agents.IsAgentSiteAsync(r.Placement.SiteId, ct).ConfigureAwait(false);

    /// <summary>
    /// A resource whose work is with its site's agent and not finished waits without holding a worker: stored with its
    /// next look <see cref="ProvisioningOptions.AgentWorkWait"/> away (the agent's result wakes it sooner). Null when it
    /// is not waiting.
    /// </summary>
    private async Task<Resource?> WaitingForAgentAsync(Resource r, CancellationToken ct)
    {
        var kind = r.Status switch
        {
            ResourceStatus.Deleting => SiteWorkKind.Delete,
            ResourceStatus.Provisioning or ResourceStatus.Provisioned when r.Desired != DesiredState.Absent => SiteWorkKind.Provision,
            _ => (SiteWorkKind?)null,
        };
        if (kind is not { } k || !await ThroughAgentAsync(r, ct).ConfigureAwait(false)
            || await _agents!.LatestAsync(r.Id, k, ct).ConfigureAwait(false) is not { State: SiteWorkState.Open })
        {
            return null;
        }

        return await _store.UpdateResourceAsync(r with { NextAttemptAt = _time.GetUtcNow() + _options.AgentWorkWait }, null, null, null, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues work for the site's agent and says so in the history; the next look finds it open and waits. The order
    /// carries what the agent needs and nothing it must trust: it checks the spec against the chain's spec hash itself.
    /// </summary>
    private async Task<Resource> DispatchAsync(Resource r, SiteWorkKind kind, ResourceStatus status, CancellationToken ct)
    {
        if (kind == SiteWorkKind.Delete && await _agents!.LatestAsync(r.Id, SiteWorkKind.Provision, ct).ConfigureAwait(false) is { State: SiteWorkState.Open } provisioning)
        {
            // Withdrawn, so it is not sent again after the removal (the agent runs one resource's work in the order sent).
            await _agents.CloseAsync(provisioning, ct).ConfigureAwait(false);
        }

        var template = kind == SiteWorkKind.Provision ? Template(r) : null;
        var order = new SiteWorkOrder(r.Spec, r.Name, r.Placement.HostId, template?.VmId ?? 0, template?.Node, r.Vm);
        var item = await _agents!.EnqueueAsync(r.Placement.SiteId, r.Id, kind, order, ct).ConfigureAwait(false);
        var message = kind == SiteWorkKind.Provision
            ? $"Sent to site {r.Placement.SiteId}'s agent to provision (work {item.WorkId}); the site clones, configures, starts and attests with its own key."
            : $"Sent to site {r.Placement.SiteId}'s agent to remove the VM (work {item.WorkId}).";
        var payload = new { site = r.Placement.SiteId, work = item.WorkId, kind = kind.ToString().ToLowerInvariant() };
        // Moving on from Placed is the step done; anything later is a retry of its step, whose failures keep counting.
        return r.Status == status
            ? await NoteAsync(r, "agent.dispatched", message, "provisioning.resource.dispatched", payload, ct).ConfigureAwait(false)
            : await SaveAsync(r with { Status = status }, "agent.dispatched", message, "provisioning.resource.dispatched", payload, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The site's agent made the VM: record the control plane's attestation of the request and keep the agent's own
    /// attestation for the next step. A result that is not done ends this item, and the step fails as a direct
    /// hypervisor step would (retried, or rolled back when the agent cannot or will not).
    /// </summary>
    private async Task<Resource> ProvisionThroughAgentAsync(Resource r, CancellationToken ct)
    {
        var item = r.Status == ResourceStatus.Provisioning ? await _agents!.LatestAsync(r.Id, SiteWorkKind.Provision, ct).ConfigureAwait(false) : null;
        if (item is not { State: SiteWorkState.Finished, Result: { } result })
        {
            return await DispatchAsync(r, SiteWorkKind.Provision, ResourceStatus.Provisioning, ct).ConfigureAwait(false);
        }

        if (result is not { Outcome: SiteWorkOutcome.Done, Vm: { } vm })
        {
            await _agents!.CloseAsync(item, ct).ConfigureAwait(false);
            throw AgentFailure(r, result);
        }

        r = r with { Vm = vm };
        LedgerReceipt receipt;
        (r, receipt) = await RecordAsync(r, OnChainResourceState.Placed, () => _ledger.RecordProvisionedAsync(r.Id, r.SpecHash, ct), ct).ConfigureAwait(false);
        return await SaveAsync(r with { Status = ResourceStatus.Provisioned }, "chain.provisioned",
            $"Site {r.Placement.SiteId}'s agent made VM {vm} and runs it; the control plane attested spec {Short(r.SpecHash)} on chain (tx {receipt.TransactionHash}).",
            "provisioning.resource.provisioned", new { vm = vm.ToString(), tx = receipt.TransactionHash, specHash = Hex(r.SpecHash), site = r.Placement.SiteId }, ct)
            .ConfigureAwait(false);
    }

    private static ProvisioningException AgentFailure(Resource r, SiteWorkResult result) => result.Outcome switch
    {
        SiteWorkOutcome.Refused => new ProvisioningException(ProvisioningFailure.InvalidRequest, $"Site {r.Placement.SiteId}'s agent refused the work: {result.Error}"),
        SiteWorkOutcome.Failed => new ProvisioningException(ProvisioningFailure.InvalidRequest, $"Site {r.Placement.SiteId}'s agent could not do it: {result.Error}"),
        _ => new ProvisioningException(ProvisioningFailure.Unavailable, $"Site {r.Placement.SiteId}'s agent: {result.Error ?? "no VM in its result"}"),
    };

    /// <summary>
    /// The attestation the site's agent signed when it made the VM (or, when that one was used up or refused, a new
    /// piece of work that makes the agent read the VM back and attest again); null while none is in.
    /// </summary>
    private async Task<(SiteAttestationResult? Attestation, SiteWorkItem? Item, Resource Resource)> AgentAttestationAsync(Resource r, CancellationToken ct)
    {
        var item = await _agents!.LatestAsync(r.Id, SiteWorkKind.Provision, ct).ConfigureAwait(false);
        if (item is { State: SiteWorkState.Finished, Result: { Outcome: SiteWorkOutcome.Done, Attestation: { } a } })
        {
            return (new SiteAttestationResult(r.Placement.SiteId, a.ObservedSpecHash, a.Signature), item, r);
        }

        if (item is { State: SiteWorkState.Finished, Result: { } failed })
        {
            await _agents.CloseAsync(item, ct).ConfigureAwait(false);
            throw AgentFailure(r, failed);
        }

        return (null, null, await DispatchAsync(r, SiteWorkKind.Provision, ResourceStatus.Provisioned, ct).ConfigureAwait(false));
    }

    private async Task<Resource> RecordOnChainAsync(Resource r, CancellationToken ct)
    {
        // Queued together, in this order, so they usually share one transaction instead of waiting for one each; the
        // placement follows the request on chain either way, and is refused if the request was.
        var requesting = _ledger.RecordRequestedAsync(r.Id, r.SpecHash, ct);
        var placing = _ledger.RecordPlacedAsync(r.Id, r.Placement.SiteId, r.Placement.HostId, r.Placement.Jurisdiction, ct);
        await Task.WhenAll(requesting, placing).ConfigureAwait(false);
        var (requested, placed) = (await requesting.ConfigureAwait(false), await placing.ConfigureAwait(false));
        var message = $"Request (tx {requested.TransactionHash}) and placement on {r.Placement.SiteId}/{r.Placement.HostId} (tx {placed.TransactionHash}) recorded on chain.";
        var payload = new { requestTx = requested.TransactionHash, placeTx = placed.TransactionHash, site = r.Placement.SiteId, host = r.Placement.HostId };
        r = r with { Status = ResourceStatus.Placed };
        ExceptionDispatchInfo? drawFailed = null;
        (Resource Reserved, string Message, object Payload)? drawn = null;
        try
        {
            drawn = await DrawVmIdNowAsync(r, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            drawFailed = ExceptionDispatchInfo.Capture(ex);
        }

        if (drawn is { } d)
        {
            // The next step (the VM id drawn and stored before the clone) is stored in the same write as this one: the
            // history and the audit log read as two steps, the store takes one write instead of two.
            return await SaveStepsAsync(d.Reserved,
                [new NewResourceEvent("chain.placed", message) { Status = ResourceStatus.Placed }, new NewResourceEvent("vm.provisioning", d.Message)],
                [Audit(r, "provisioning.resource.placed", payload), Audit(r, "provisioning.resource.provisioning", d.Payload)], ct).ConfigureAwait(false);
        }

        var saved = await SaveAsync(r, "chain.placed", message, "provisioning.resource.placed", payload, ct).ConfigureAwait(false);
        // A failed draw is the reservation step's failure, counted and retried with backoff as when that step ran on its
        // own (an unreachable site is not asked twice in one round).
        drawFailed?.Throw();
        return saved;
    }

    /// <summary>
    /// The VM id and node for a resource just placed on a site this server drives, drawn at once so the placement and
    /// the reservation are stored together; null when the separate step must do it: a site with an agent, one without a
    /// hypervisor configured (that step fails it), or a chain that already holds the control plane's attestation (that
    /// step looks for the VM a run the store forgot made). A draw that fails throws, as the reservation step would.
    /// </summary>
    private async Task<(Resource Reserved, string Message, object Payload)?> DrawVmIdNowAsync(Resource placed, CancellationToken ct)
    {
        if (placed.Vm is not null || placed.VerifiedAt is not null || !_providers.ClusterIds.Contains(placed.Placement.SiteId)
            || !_options.Templates.ContainsKey(placed.Spec.Template) || await ThroughAgentAsync(placed, ct).ConfigureAwait(false)
            || await _ledger.GetAsync(placed.Id, ct).ConfigureAwait(false) is { State: OnChainResourceState.Provisioned })
        {
            return null;
        }

        return await DrawVmIdAsync(_providers.Get(placed.Placement.SiteId), placed, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A resize: the new spec is recorded on chain (Placed again, attestations cleared) before the VM is touched, so a
    /// site's agent finds there the spec it is asked for; then the VM is changed in place by the provisioning step.
    /// </summary>
    private async Task<Resource> RecordResizeAsync(Resource r, CancellationToken ct)
    {
        var agent = await ThroughAgentAsync(r, ct).ConfigureAwait(false);
        if (agent && await _agents!.LatestAsync(r.Id, SiteWorkKind.Provision, ct).ConfigureAwait(false) is { State: not SiteWorkState.Closed } earlier)
        {
            // The old spec's work (done, or still under way for an earlier resize) must not stand for the new spec.
            await _agents.CloseAsync(earlier, ct).ConfigureAwait(false);
        }

        var receipt = await _ledger.RecordResizedAsync(r.Id, r.SpecHash, ct).ConfigureAwait(false);
        var by = agent ? $"site {r.Placement.SiteId}'s agent" : "the control plane";
        return await SaveAsync(r with { Status = ResourceStatus.Provisioning }, "chain.resized",
            $"New spec {Short(r.SpecHash)} recorded on chain (tx {receipt.TransactionHash}); {by} changes VM {r.Vm?.ToString() ?? "(to be found)"} next.",
            "provisioning.resource.resized", new { tx = receipt.TransactionHash, specHash = Hex(r.SpecHash), vm = r.Vm?.ToString() }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Picks the VM id and node the clone will get and stores them before cloning, so a run interrupted during the clone
    /// finds its VM by looking at that one id, not by reading every VM of the cluster.
    /// </summary>
    private async Task<Resource> ReserveVmIdAsync(Resource r, CancellationToken ct, bool retrying = false)
    {
        var provider = Provider(r);
        if (!retrying && r.Vm is null && r.VerifiedAt is null
            && await _ledger.GetAsync(r.Id, ct).ConfigureAwait(false) is { State: OnChainResourceState.Provisioned } onChain
            && await provider.FindByResourceIdAsync(r.Id, ct).ConfigureAwait(false) is { } made)
        {
            // The chain holds the control plane's attestation, so a run the store no longer remembers (a store restored
            // from a backup) made the VM: carry on with it, as with a clone an interrupted run made, never clone again.
            var detail = $"The chain says this resource was {ResourceChainAhead.StateName(onChain)} (block {onChain.UpdatedBlock}) and VM {made.Ref} carries it: "
                         + "made by a run the store does not remember (restored from a backup); carrying on with it, nothing is cloned again.";
            if (_gaps is not null)
            {
                // Reported as the start's comparison with the chain reports what it finds (whichever sees it first), with the store's
                // status before this step.
                await _gaps.RecordAsync(
                    [new ResourceChainGap("0x" + Convert.ToHexStringLower(_ledger.ChainKeyOf(r.Id)), r.Id, ResourceChainAhead.StateName(onChain), onChain.UpdatedBlock,
                        Hex(onChain.SpecHash), r.Placement.SiteId, r.Status, made.Ref.ToString(), ResourceChainGap.Adopted, detail, _time.GetUtcNow())],
                    null, ct).ConfigureAwait(false);
            }

            var adopted = await SaveAsync(r with { Status = ResourceStatus.Provisioning, Vm = made.Ref }, "vm.found", detail,
                "provisioning.resource.provisioning", new { vm = made.Ref.ToString(), adopted = true }, ct).ConfigureAwait(false);
            return await ProvisionAsync(adopted, null, ct).ConfigureAwait(false);
        }

        var (reserved, message, payload) = await DrawVmIdAsync(provider, r, ct).ConfigureAwait(false);
        // A new id drawn because a clone failed is part of that failure, not a step done: its attempts keep counting.
        return retrying
            ? await NoteAsync(reserved, "vm.provisioning", message, "provisioning.resource.provisioning", payload, ct).ConfigureAwait(false)
            : await SaveAsync(reserved, "vm.provisioning", message, "provisioning.resource.provisioning", payload, ct).ConfigureAwait(false);
    }

    /// <summary>Picks the node and draws the VM id the clone will get: the resource as it is to be stored, with its event's message and audit payload.</summary>
    private async Task<(Resource Reserved, string Message, object Payload)> DrawVmIdAsync(IVirtualMachineProvider provider, Resource r, CancellationToken ct)
    {
        var template = Template(r);
        var nodes = await NodesAsync(provider, ct).ConfigureAwait(false);
        // The placement's host is a node when the cluster names its nodes after the catalog's hosts; otherwise the template's node.
        var target = nodes.FirstOrDefault(n => n.Online && n.Name == r.Placement.HostId)?.Name
                     ?? await TemplateNodeAsync(provider, template, r.Spec.Template, nodes, ct).ConfigureAwait(false);
        var vmId = await provider.AllocateIdAsync(ct).ConfigureAwait(false);
        return (r with { Status = ResourceStatus.Provisioning, Vm = new VirtualMachineRef(target, vmId) },
            $"Provisioning on {r.Placement.SiteId}/{r.Placement.HostId}: cloning template {r.Spec.Template} into VM {target}/{vmId}.",
            new { vm = $"{target}/{vmId}" });
    }

    private async Task<IReadOnlyList<HypervisorNode>> NodesAsync(IVirtualMachineProvider provider, CancellationToken ct)
    {
        if (_nodes.TryGetValue(provider.ClusterId, out var known) && _time.GetUtcNow() - known.ReadAt < _options.NodeListMaxAge)
        {
            return known.Nodes;
        }

        var nodes = await provider.ListNodesAsync(ct).ConfigureAwait(false);
        _nodes[provider.ClusterId] = (nodes, _time.GetUtcNow());
        return nodes;
    }

    private async Task<Resource> ProvisionAsync(Resource r, VirtualMachineRef? reservedHere, CancellationToken ct)
    {
        var provider = Provider(r);
        VirtualMachineInfo? vm;
        var cloned = false;
        if (r.Vm is not { } reserved)
        {
            // No id was kept (a half-made VM was removed, or the clone began before ids were stored): search by resource id.
            vm = await provider.FindByResourceIdAsync(r.Id, ct).ConfigureAwait(false);
            if (vm is null)
            {
                return await ReserveVmIdAsync(r with { Status = ResourceStatus.Placed }, ct).ConfigureAwait(false);
            }

            r = r with { Vm = vm.Ref };
        }
        else
        {
            vm = reserved == reservedHere ? null : await provider.GetAsync(reserved, ct).ConfigureAwait(false);
            if (vm is not null && vm.ResourceId != r.Id)
            {
                // Another VM took the id between allocation and clone: pick a new one.
                return await ReserveVmIdAsync(r with { Status = ResourceStatus.Placed }, ct).ConfigureAwait(false);
            }

            if (vm is null)
            {
                // Restart-safe: the clone carries the resource id, so a clone an interrupted run started is found above, not repeated.
                var template = Template(r);
                var templateNode = await TemplateNodeAsync(provider, template, r.Spec.Template, null, ct).ConfigureAwait(false);
                try
                {
                    vm = await provider.CloneAsync(new CloneVirtualMachineRequest(r.Id, template.VmId, templateNode, reserved.VmId, r.Name)
                    {
                        TargetNode = reserved.Node == templateNode ? null : reserved.Node,
                    }, ct).ConfigureAwait(false);
                    cloned = true;
                }
                catch (ProvisioningException ex) when (ex.Failure == ProvisioningFailure.Conflict)
                {
                    // The id is taken by a VM that is not this resource's, possibly on another node: ids are cluster-wide
                    // and two resources can draw the same free id before either clones. Draw a new one, and let the retry
                    // (after the usual backoff, in case the template itself is locked) clone into it.
                    await ReserveVmIdAsync(r with { Status = ResourceStatus.Placed }, ct, retrying: true).ConfigureAwait(false);
                    throw new ProvisioningException(ProvisioningFailure.Conflict, $"VM id {reserved.VmId} on {provider.ClusterId} was taken meanwhile; a new id was drawn.", ex);
                }
                catch (ProvisioningException ex) when (ex.Failure == ProvisioningFailure.NotFound && template.Node is null)
                {
                    // The template may have moved to another node since it was looked up: look again on the next attempt.
                    _templateNodes.TryRemove((provider.ClusterId, template.VmId), out _);
                    throw new ProvisioningException(ProvisioningFailure.Unavailable, $"Cloning template {r.Spec.Template} from {templateNode} failed: {ex.Message}", ex);
                }
            }
        }

        if (vm.Lock is { } held)
        {
            throw new ProvisioningException(ProvisioningFailure.Conflict, $"VM {vm.Ref} is locked ({held}); waiting for the operation to finish.");
        }

        if (!cloned && r.Vm is not null && r.VerifiedAt is null && (r.Attempts == 0 || !await FoundAlreadyAsync(r, ct).ConfigureAwait(false)))
        {
            // Resuming after an interruption: say so in the history, once (a retry finds its own VM again and again).
            r = await NoteAsync(r, "vm.found", $"Found VM {vm.Ref}, made for this resource by an earlier run; carrying on with it.", null, null, ct).ConfigureAwait(false);
        }

        if (VirtualMachineSizing.NeedsRestart(vm, r.Spec))
        {
            r = await NoteAsync(r, "vm.stopping", $"Shutting VM {vm.Ref} down to change its CPU and memory; it starts again with the new size.", null, null, ct)
                .ConfigureAwait(false);
            await provider.ShutdownAsync(vm.Ref, _options.ShutdownTimeout, forceStop: true, ct).ConfigureAwait(false);
        }

        await provider.ConfigureAsync(vm.Ref, new VirtualMachineConfiguration
        {
            Cores = r.Spec.VCpu,
            MemoryMegabytes = checked((int)r.Spec.RamMiB),
            DiskSizeGigabytes = checked((int)r.Spec.DiskGiB),
            CloudInitUser = r.Spec.CloudInitUser,
            SshPublicKeys = r.Spec.SshKeys.Count > 0 ? r.Spec.SshKeys : null,
            IpConfig = "ip=dhcp",
        }, ct).ConfigureAwait(false);
        await provider.StartAsync(vm.Ref, ct).ConfigureAwait(false);
        if (await AttestedWithProvisionedAsync(r, vm.Ref, ct).ConfigureAwait(false) is { } verified)
        {
            return verified;
        }

        LedgerReceipt receipt;
        (r, receipt) = await RecordAsync(r, OnChainResourceState.Placed, () => _ledger.RecordProvisionedAsync(r.Id, r.SpecHash, ct), ct).ConfigureAwait(false);
        return await SaveAsync(r with { Status = ResourceStatus.Provisioned }, "chain.provisioned",
            $"VM {vm.Ref} configured and running; the control plane attested spec {Short(r.SpecHash)} on chain (tx {receipt.TransactionHash}).",
            "provisioning.resource.provisioned", new { vm = vm.Ref.ToString(), tx = receipt.TransactionHash, specHash = Hex(r.SpecHash) }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The site's attestation taken as soon as the VM runs and sent with the control plane's, so both usually share one
    /// chain transaction, and the two steps (Provisioned, then Verified) stored in one write; the history and the audit
    /// log read as the two steps. The contract accepts a site's attestation on a placed resource, and the site still
    /// reads the VM back itself. Null when anything differs from the usual path (the attestation failed or disagrees, a
    /// transition was refused, the chain does not say Verified): then the control plane's attestation is recorded and
    /// stored as its own step, and the verification step does the rest as it always did (a repeated attestation is a
    /// no-op on chain).
    /// </summary>
    private async Task<Resource?> AttestedWithProvisionedAsync(Resource r, VirtualMachineRef vm, CancellationToken ct)
    {
        SiteAttestationResult attestation;
        try
        {
            attestation = await _attestor.AttestAsync(r with { Vm = vm }, ct).ConfigureAwait(false);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            return null; // the verification step attests again, with its own retries and failure report
        }

        if (!attestation.ObservedSpecHash.AsSpan().SequenceEqual(r.SpecHash))
        {
            return null; // relayed and reported by the verification step, after the control plane's attestation is stored
        }

        // Queued together, in this order, as the request and the placement are.
        var provisioning = _ledger.RecordProvisionedAsync(r.Id, r.SpecHash, ct);
        var attesting = _ledger.RecordSiteAttestationAsync(r.Id, attestation.ObservedSpecHash, attestation.Signature, ct);
        try
        {
            await Task.WhenAll(provisioning, attesting).ConfigureAwait(false);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // Either was refused (the chain lost a record, say): the usual steps restore and retry it.
        }

        if (!provisioning.IsCompletedSuccessfully || !attesting.IsCompletedSuccessfully || !await _ledger.IsVerifiedAsync(r.Id, ct).ConfigureAwait(false))
        {
            return null;
        }

        var receipt = await provisioning.ConfigureAwait(false);
        var now = _time.GetUtcNow();
        return await SaveStepsAsync(r with { Vm = vm, Status = ResourceStatus.Verified, VerifiedAt = r.VerifiedAt ?? now, MeteredUntil = r.MeteredUntil ?? now },
            [
                new NewResourceEvent("chain.provisioned",
                    $"VM {vm} configured and running; the control plane attested spec {Short(r.SpecHash)} on chain (tx {receipt.TransactionHash}).")
                {
                    Status = ResourceStatus.Provisioned,
                },
                new NewResourceEvent("chain.verified", $"Site {r.Placement.SiteId} attested the same spec with its own key; the chain says Verified."),
            ],
            [
                Audit(r, "provisioning.resource.provisioned", new { vm = vm.ToString(), tx = receipt.TransactionHash, specHash = Hex(r.SpecHash) }),
                Audit(r, "provisioning.resource.verified", new { site = r.Placement.SiteId, specHash = Hex(r.SpecHash) }),
            ], ct).ConfigureAwait(false);
    }

    /// <summary>Whether the history already says the VM was found since its id was drawn (read only when retrying).</summary>
    private async Task<bool> FoundAlreadyAsync(Resource r, CancellationToken ct) =>
        (await _store.GetEventsAsync(r.Id, ct).ConfigureAwait(false)).LastOrDefault(e => e.Kind is "vm.found" or "vm.provisioning")?.Kind == "vm.found";

    private TemplateOptions Template(Resource r) =>
        _options.Templates.TryGetValue(r.Spec.Template, out var template)
            ? template
            : throw new ProvisioningException(ProvisioningFailure.InvalidRequest, $"Template '{r.Spec.Template}' is not configured (Provisioning:Templates).");

    private async Task<string> TemplateNodeAsync(IVirtualMachineProvider provider, TemplateOptions template, string name, IReadOnlyList<HypervisorNode>? nodes, CancellationToken ct)
    {
        if (template.Node is { } configured)
        {
            return configured;
        }

        var key = (provider.ClusterId, template.VmId);
        if (_templateNodes.TryGetValue(key, out var known))
        {
            return known;
        }

        nodes ??= await NodesAsync(provider, ct).ConfigureAwait(false);
        return _templateNodes[key] = await FindTemplateNodeAsync(provider, nodes, template.VmId, name, ct).ConfigureAwait(false);
    }

    private static async Task<string> FindTemplateNodeAsync(IVirtualMachineProvider provider, IReadOnlyList<HypervisorNode> nodes, int vmId, string name, CancellationToken ct)
    {
        foreach (var node in nodes.Where(n => n.Online))
        {
            if (await provider.GetAsync(new VirtualMachineRef(node.Name, vmId), ct).ConfigureAwait(false) is not null)
            {
                return node.Name;
            }
        }

        throw new ProvisioningException(ProvisioningFailure.NotFound, $"Template {name} (VM {vmId}) is on no online node of {provider.ClusterId}.");
    }

    private async Task<Resource> VerifyAsync(Resource r, CancellationToken ct)
    {
        SiteAttestationResult attestation;
        SiteWorkItem? work = null;
        if (await ThroughAgentAsync(r, ct).ConfigureAwait(false))
        {
            (var signed, work, r) = await AgentAttestationAsync(r, ct).ConfigureAwait(false);
            if (signed is null)
            {
                return r; // asked for: the next look waits for it
            }

            attestation = signed;
        }
        else
        {
            // Attesting again after a restart is harmless: the contract ignores a repeat of the same attestation.
            attestation = await _attestor.AttestAsync(r, ct).ConfigureAwait(false);
        }

        // Relayed even when it disagrees, so the chain shows what the site observed.
        try
        {
            (r, _) = await RecordAsync(r, OnChainResourceState.Provisioned,
                () => _ledger.RecordSiteAttestationAsync(r.Id, attestation.ObservedSpecHash, attestation.Signature, ct), ct).ConfigureAwait(false);
        }
        catch (Exception) when (work is not null && !ct.IsCancellationRequested)
        {
            // An agent's signature covers the attestation count it read: once refused it never passes, so the retry asks
            // the agent for a new one.
            await _agents!.CloseAsync(work, ct).ConfigureAwait(false);
            throw;
        }

        if (!attestation.ObservedSpecHash.AsSpan().SequenceEqual(r.SpecHash))
        {
            throw new SpecMismatchException($"Site {attestation.SiteId} attests spec {Short(attestation.ObservedSpecHash)} but {Short(r.SpecHash)} was requested.");
        }

        // The site's attestation lands on a placed resource too: a chain that lost only the control plane's needs it again.
        if (!await _ledger.IsVerifiedAsync(r.Id, ct).ConfigureAwait(false)
            && (await RestoreLostAsync(r, OnChainResourceState.Provisioned, ct).ConfigureAwait(false) is not { } restored
                || !await _ledger.IsVerifiedAsync((r = restored).Id, ct).ConfigureAwait(false)))
        {
            throw new InvalidOperationException("The chain does not say Verified after the site's attestation.");
        }

        // Verified again after the chain lost it: usage was metered all along, so its start stays.
        var now = _time.GetUtcNow();
        return await SaveAsync(r with { Status = ResourceStatus.Verified, VerifiedAt = r.VerifiedAt ?? now, MeteredUntil = r.MeteredUntil ?? now }, "chain.verified",
            $"Site {r.Placement.SiteId} attested the same spec with its own key; the chain says Verified.",
            "provisioning.resource.verified", new { site = r.Placement.SiteId, specHash = Hex(r.SpecHash) }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a transition; when the chain refuses it because it lost what the store says was recorded before it (its
    /// last blocks, after a crash), records that again from the store and sends the transition once more.
    /// </summary>
    private async Task<(Resource Resource, LedgerReceipt Receipt)> RecordAsync(
        Resource r, OnChainResourceState needed, Func<Task<LedgerReceipt>> transition, CancellationToken ct)
    {
        try
        {
            return (r, await transition().ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not LedgerUnavailableException and not OperationCanceledException)
        {
            var restored = await RestoreLostAsync(r, needed, ct).ConfigureAwait(false);
            if (restored is null)
            {
                throw;
            }

            r = restored;
        }

        return (r, await transition().ConfigureAwait(false));
    }

    /// <summary>
    /// Records again, from the store, the transitions up to <paramref name="needed"/> that the chain no longer holds
    /// (request, placement, the control plane's attestation), with an event and an audit entry; null when it lacks none.
    /// </summary>
    private async Task<Resource?> RestoreLostAsync(Resource r, OnChainResourceState needed, CancellationToken ct)
    {
        var state = (await _ledger.GetAsync(r.Id, ct).ConfigureAwait(false))?.State ?? OnChainResourceState.None;
        if (state >= needed)
        {
            return null; // nothing lost (a Deleted record is not brought back either): the refusal has another cause
        }

        // Queued in order so they usually share one transaction, as when they were first recorded.
        var sends = new List<(string Step, Task<LedgerReceipt> Sent)>();
        if (state == OnChainResourceState.None)
        {
            sends.Add(("request", _ledger.RecordRequestedAsync(r.Id, r.SpecHash, ct)));
        }

        if (state < OnChainResourceState.Placed)
        {
            sends.Add(("placement", _ledger.RecordPlacedAsync(r.Id, r.Placement.SiteId, r.Placement.HostId, r.Placement.Jurisdiction, ct)));
        }

        if (needed == OnChainResourceState.Provisioned)
        {
            sends.Add(("provisioned", _ledger.RecordProvisionedAsync(r.Id, r.SpecHash, ct)));
        }

        await Task.WhenAll(sends.Select(s => s.Sent)).ConfigureAwait(false);
        var steps = sends.Select(s => s.Step).ToList();
        var tx = (await sends[^1].Sent.ConfigureAwait(false)).TransactionHash;
        return await NoteAsync(r, "chain.restored",
            $"The chain had lost this resource's {string.Join(", ", steps)} (it held {state.ToString().ToLowerInvariant()}); recorded again from the store (tx {tx}).",
            "provisioning.resource.chain-restored", new { lost = steps, chainState = state.ToString().ToLowerInvariant(), tx }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks Verified resources against the chain, every one when <paramref name="full"/> and otherwise the newest
    /// <see cref="ProvisioningOptions.ChainCheckWindow"/>, and hands those the chain no longer says Verified (it lost its
    /// last blocks or its state) back to the reconciler, which records them again from the store. Returns their ids.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindLostAsync(bool full, CancellationToken cancellationToken)
    {
        var lost = new List<string>();
        var checkedCount = 0;
        ResourceCursor? after = null;
        do
        {
            var limit = full ? ChainCheckPage : Math.Min(ChainCheckPage, _options.ChainCheckWindow - checkedCount);
            var page = await _store.ListResourcesAsync(new ResourceQuery(Status: ResourceStatus.Verified, Limit: limit, After: after), cancellationToken).ConfigureAwait(false);
            var verified = await _ledger.AreVerifiedAsync([.. page.Items.Select(r => r.Id)], cancellationToken).ConfigureAwait(false);
            foreach (var (resource, onChain) in page.Items.Zip(verified))
            {
                if (!onChain && await HandBackAsync(resource, cancellationToken).ConfigureAwait(false))
                {
                    lost.Add(resource.Id);
                }
            }

            checkedCount += page.Items.Count;
            after = page.Next;
        }
        while (after is not null && (full || checkedCount < _options.ChainCheckWindow));

        return lost;
    }

    private async Task<bool> HandBackAsync(Resource r, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        try
        {
            await _store.UpdateResourceAsync(r with { Status = ResourceStatus.Provisioned, Attempts = 0, NextAttemptAt = now, UpdatedAt = now },
                new NewResourceEvent("chain.lost", "The chain no longer says Verified (it lost its last blocks or its state); recording it again from the store."),
                new AuditEvent(Actor, "provisioning.resource.chain-lost", "resource:" + r.Id, JsonSerializer.Serialize(new { status = r.Status.ToString() })),
                null, ct).ConfigureAwait(false);
            return true;
        }
        catch (StoreConflictException)
        {
            return false; // changed meanwhile (a delete request): the reconciler takes it from its new state
        }
    }

    private async Task<Resource> RemoveAsync(Resource r, CancellationToken ct)
    {
        // The chain says the resource is to be removed before any VM of it is destroyed: a site's agent destroys none
        // otherwise, and a verifier sees every removal asked for, whoever carries it out.
        var onChain = await _ledger.GetAsync(r.Id, ct).ConfigureAwait(false);
        if (onChain is { State: OnChainResourceState.Requested or OnChainResourceState.Placed or OnChainResourceState.Provisioned })
        {
            await _ledger.RecordRemovalRequestedAsync(r.Id, ct).ConfigureAwait(false);
        }

        if (await ThroughAgentAsync(r, ct).ConfigureAwait(false))
        {
            var work = await _agents!.LatestAsync(r.Id, SiteWorkKind.Delete, ct).ConfigureAwait(false);
            if (work is not { State: SiteWorkState.Finished, Result: { } result })
            {
                return await DispatchAsync(r, SiteWorkKind.Delete, ResourceStatus.Deleting, ct).ConfigureAwait(false);
            }

            if (result.Outcome != SiteWorkOutcome.Done)
            {
                // Removal never gives up (never an orphan VM): a refusal or failure is retried like an unreachable site.
                await _agents.CloseAsync(work, ct).ConfigureAwait(false);
                throw new ProvisioningException(ProvisioningFailure.Unavailable, $"Site {r.Placement.SiteId}'s agent did not remove the VM: {result.Error}");
            }
        }
        else if (_providers.ClusterIds.Contains(r.Placement.SiteId))
        {
            var provider = _providers.Get(r.Placement.SiteId);
            if (r.Vm is { } known && await provider.GetAsync(known, ct).ConfigureAwait(false) is { } vm && vm.ResourceId == r.Id)
            {
                await DestroyAsync(provider, vm.Ref, ct).ConfigureAwait(false);
            }

            // Whatever else carries this resource's id (a clone the store never heard of) goes too.
            for (var i = 0; i < 4 && await provider.FindByResourceIdAsync(r.Id, ct).ConfigureAwait(false) is { } stray; i++)
            {
                await DestroyAsync(provider, stray.Ref, ct).ConfigureAwait(false);
            }
        }

        string? tx = null;
        if (onChain is not null && onChain.State != OnChainResourceState.Deleted)
        {
            tx = (await _ledger.RecordDeletedAsync(r.Id, ct).ConfigureAwait(false)).TransactionHash;
        }

        var now = _time.GetUtcNow();
        var release = ResourceTotals.ForVms(r.Spec.Size);
        var removed = r.Desired == DesiredState.Absent
            ? await SaveAsync(r with { Status = ResourceStatus.Deleted, DeletedAt = now, Vm = null }, "resource.deleted",
                tx is null ? "VM destroyed; nothing was on chain to remove." : $"VM destroyed; deletion recorded on chain (tx {tx}).",
                "provisioning.resource.deleted", new { tx }, ct, release).ConfigureAwait(false)
            : await SaveAsync(r with { Status = ResourceStatus.Failed, DeletedAt = now, Vm = null }, "resource.failed",
                $"Rolled back (VM destroyed{(tx is null ? string.Empty : ", chain record removed")}): {r.FailureReason}",
                "provisioning.resource.failed", new { reason = r.FailureReason, tx }, ct, release).ConfigureAwait(false);
        _capacity.Release(r.Allocation);
        return removed;
    }

    private async Task DestroyAsync(IVirtualMachineProvider provider, VirtualMachineRef vm, CancellationToken ct)
    {
        try
        {
            await provider.ShutdownAsync(vm, _options.ShutdownTimeout, forceStop: true, ct).ConfigureAwait(false);
        }
        catch (ProvisioningException ex) when (ex.Failure is ProvisioningFailure.NotFound or ProvisioningFailure.OperationFailed)
        {
            // Gone already, or the guest refused: destroying stops it anyway.
        }

        await provider.DeleteAsync(vm, ct).ConfigureAwait(false);
    }

    private async Task<Resource> FailedStepAsync(Resource r, Exception error, CancellationToken ct)
    {
        var fresh = await _store.GetResourceAsync(r.Id, ct).ConfigureAwait(false) ?? r;
        var now = _time.GetUtcNow();
        var attempts = fresh.Attempts + 1;
        var removing = fresh.Status == ResourceStatus.Deleting || fresh.Desired == DesiredState.Absent;
        var permanent = error is SpecMismatchException or KeyNotFoundException
                        || error is ProvisioningException { Failure: ProvisioningFailure.InvalidRequest or ProvisioningFailure.NotFound };
        // A VM that was Verified once (being resized, or recorded again after the chain lost it) runs for its owner: it
        // is never rolled back; its step is retried with backoff until it succeeds or the owner resizes or deletes it.
        // Nor is a resource given up for a chain that is away or paused: an accepted request waits for it, however long.
        var waitingForChain = error is LedgerUnavailableException;
        if (!removing && !waitingForChain && fresh.VerifiedAt is null && (permanent || attempts >= _options.MaxAttempts))
        {
            // Give up provisioning: remove what was made (the Deleting path retries until it is gone), then Failed.
            var reason = $"{StepName(fresh)} failed{(permanent ? string.Empty : $" {attempts} times")}: {error.Message}";
            // Due at once: this round ends here (it is handling a failure), and the removal is the next round's work, not
            // something to wait a claim's length for.
            return await SaveAsync(fresh with { Status = ResourceStatus.Deleting, FailureReason = reason }, "resource.rolling-back",
                "Giving up and rolling back: " + reason, "provisioning.resource.rolling-back", new { reason }, ct, due: now).ConfigureAwait(false);
        }

        if (!removing && error is ProvisioningException { Failure: ProvisioningFailure.OperationFailed } && fresh.Status == ResourceStatus.Provisioning
            && !await ThroughAgentAsync(fresh, ct).ConfigureAwait(false))
        {
            // A failed clone or configure can leave a half-made VM: remove it so the retry starts clean.
            fresh = await CleanUpPartialVmAsync(fresh, ct).ConfigureAwait(false);
        }

        var delay = RetryBackoff.Delay(attempts, _options.MinRetryDelay, _options.MaxRetryDelay);
        // A removal is retried for as long as it takes (never an orphan VM); past the limit only every doubling of the
        // count is written down, so a site that stays away cannot grow the history without bound.
        var written = attempts <= _options.MaxAttempts || (attempts & (attempts - 1)) == 0;
        return await _store.UpdateResourceAsync(
            fresh with { Attempts = attempts, NextAttemptAt = now + delay, UpdatedAt = now },
            written ? new NewResourceEvent("retry.scheduled", $"{StepName(fresh)} failed (attempt {attempts}): {error.Message}; retrying in {delay.TotalSeconds:0.#} s.") : null,
            null, null, ct).ConfigureAwait(false);
    }

    private async Task<Resource> CleanUpPartialVmAsync(Resource r, CancellationToken ct)
    {
        try
        {
            var provider = Provider(r);
            var known = r.Vm is { } vm ? await provider.GetAsync(vm, ct).ConfigureAwait(false) : null;
            if ((known is not null && known.ResourceId == r.Id ? known : await provider.FindByResourceIdAsync(r.Id, ct).ConfigureAwait(false)) is { } partial)
            {
                await provider.DeleteAsync(partial.Ref, ct).ConfigureAwait(false);
                // The id is kept: it is free again, so the retry clones into it.
                return await _store.UpdateResourceAsync(r with { Vm = partial.Ref, UpdatedAt = _time.GetUtcNow() },
                    new NewResourceEvent("vm.removed", $"Removed the half-made VM {partial.Ref} before retrying."), null, null, ct).ConfigureAwait(false);
            }
        }
        catch (ProvisioningException)
        {
            // The next attempt finds it by its resource id and carries on from there.
        }

        return r;
    }

    private IVirtualMachineProvider Provider(Resource r) =>
        _providers.ClusterIds.Contains(r.Placement.SiteId)
            ? _providers.Get(r.Placement.SiteId)
            : throw new KeyNotFoundException($"Site {r.Placement.SiteId} has no hypervisor configured (Proxmox:Clusters:{r.Placement.SiteId}).");

    private async Task<Resource> SaveAsync(
        Resource updated, string kind, string message, string? auditAction, object? payload, CancellationToken ct, ResourceTotals? release = null, DateTimeOffset? due = null)
    {
        var now = _time.GetUtcNow();
        var audit = auditAction is null
            ? null
            : new AuditEvent(Actor, auditAction, "resource:" + updated.Id, JsonSerializer.Serialize(payload ?? new { status = updated.Status.ToString() }));
        // Storing a step renews this server's claim on the resource (unless it is to be due at a given time); a settled one
        // is never due again anyway.
        return await _store.UpdateResourceAsync(updated with { UpdatedAt = now, Attempts = 0, NextAttemptAt = due ?? now + _options.ClaimDuration },
                new NewResourceEvent(kind, message), audit, release, ct)
            .ConfigureAwait(false);
    }

    /// <summary>Stores several steps taken in one run in one write, as <see cref="SaveAsync"/> stores one: the claim renewed, attempts reset.</summary>
    private async Task<Resource> SaveStepsAsync(Resource updated, IReadOnlyList<NewResourceEvent> events, IReadOnlyList<AuditEvent> audits, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        return await _store.UpdateResourceAsync(updated with { UpdatedAt = now, Attempts = 0, NextAttemptAt = now + _options.ClaimDuration }, events, audits, ct)
            .ConfigureAwait(false);
    }

    private static AuditEvent Audit(Resource r, string action, object payload) => new(Actor, action, "resource:" + r.Id, JsonSerializer.Serialize(payload));

    /// <summary>Stores what happened on the way without counting it as the step done: the step's failed attempts still count.</summary>
    private async Task<Resource> NoteAsync(Resource r, string kind, string message, string? auditAction, object? payload, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var audit = auditAction is null ? null : new AuditEvent(Actor, auditAction, "resource:" + r.Id, JsonSerializer.Serialize(payload));
        return await _store.UpdateResourceAsync(r with { UpdatedAt = now, NextAttemptAt = now + _options.ClaimDuration }, new NewResourceEvent(kind, message), audit, null, ct)
            .ConfigureAwait(false);
    }

    private static string StepName(Resource r) => r.Status switch
    {
        ResourceStatus.Requested => "Recording the request on chain",
        ResourceStatus.Resizing => "Recording the resize on chain",
        ResourceStatus.Placed or ResourceStatus.Provisioning => "Provisioning the VM",
        ResourceStatus.Provisioned => "Site attestation",
        ResourceStatus.Deleting => "Removing the VM",
        _ => r.Status.ToString(),
    };

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    private static string Short(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes.AsSpan(0, Math.Min(6, bytes.Length))) + "…";

    private sealed class SpecMismatchException(string message) : Exception(message);
}
