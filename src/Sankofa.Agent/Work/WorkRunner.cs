using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Sankofa.Agent.Keys;
using Sankofa.Agent.LightClient;
using Sankofa.Agent.Protocol;
using Sankofa.Core.Ledger;
using Sankofa.Core.Provisioning;
using Sankofa.Proxmox.Provisioning;

namespace Sankofa.Agent.Work;

/// <summary>
/// Runs the control plane's work orders against the site's own Proxmox VE. Before it touches the hypervisor it proves,
/// with its light client, that the chain holds the order's spec hash as the resource's requested spec and places the
/// resource at this site; otherwise it refuses. It builds idempotently (the VM carries the resource id, so running an
/// order again finds the VM), reads the VM back, and signs the chain's attestation digest for what runs with the site
/// key. The same work id is never run twice at once.
/// </summary>
public sealed partial class WorkRunner
{
    private const string Dhcp = "ip=dhcp";

    private readonly WorkRunnerOptions _options;
    private readonly IVirtualMachineProvider _hypervisor;
    private readonly VmObserver _observer;
    private readonly ChainLightClient _chain;
    private readonly SiteKeys _keys;
    private readonly ILogger<WorkRunner> _logger;
    private readonly byte[] _siteId;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, string> _templateNodes = new();

    // Each resource's gate and how many orders hold or wait for it (the entry goes when none does).
    private readonly Dictionary<string, (SemaphoreSlim Gate, int Users)> _resources = new(StringComparer.Ordinal);

    /// <summary>Creates the runner for one site.</summary>
    public WorkRunner(WorkRunnerOptions options, IVirtualMachineProvider hypervisor, VmObserver observer, ChainLightClient chain, SiteKeys keys, ILogger<WorkRunner> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Site);
        ArgumentException.ThrowIfNullOrEmpty(options.Registry);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentWork, 1);
        (_options, _hypervisor, _observer, _chain, _keys, _logger) = (options, hypervisor, observer, chain, keys, logger);
        _siteId = RegistrySlots.SiteId(options.Site);
        _slots = new SemaphoreSlim(options.MaxConcurrentWork, options.MaxConcurrentWork);
    }

    /// <summary>
    /// Runs <paramref name="work"/> and says how it ended, or returns null without running it when the same work id is
    /// running already (the control plane sent it again; the running one will answer).
    /// </summary>
    /// <param name="work">The order.</param>
    /// <param name="progress">Told each step, for the resource's history.</param>
    /// <param name="cancellationToken">Stops the work (the agent stops); nothing is reported then, and the control plane sends it again later.</param>
    public async Task<WorkResult?> RunAsync(WorkOrder work, Action<WorkProgress> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(progress);
        if (!_inFlight.TryAdd(work.WorkId, 0))
        {
            LogAlreadyRunning(_logger, work.WorkId, work.Kind.ToString(), work.ResourceId);
            return null;
        }

        var gate = Gate(work.ResourceId, +1);
        try
        {
            // The proof sent with the order is checked as it arrives, while it is fresh: the order may then wait a while
            // for its resource and a work slot, and the state it proved was the chain's when it came.
            var sent = await SentProofAsync(work, cancellationToken).ConfigureAwait(false);

            // One resource's orders run one after another: two of them (a repeat sent on a new link while the retry
            // was already queued) must not both look for the VM, find none, and both clone one.
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var result = await RunOneAsync(work, sent, progress, cancellationToken).ConfigureAwait(false);
                    LogEnded(_logger, work.WorkId, work.ResourceId, result.Outcome.ToString(), result.Error is { Length: > 0 } error ? error : $"{result.Node}/{result.VmId}");
                    return result;
                }
                finally
                {
                    _slots.Release();
                }
            }
            finally
            {
                gate.Release();
            }
        }
        finally
        {
            Gate(work.ResourceId, -1);
            _inFlight.TryRemove(work.WorkId, out _);
        }
    }

    /// <summary>The resource's gate, counting one more (or one fewer) order that holds or waits for it.</summary>
    private SemaphoreSlim Gate(string resourceId, int change)
    {
        lock (_resources)
        {
            var (gate, users) = _resources.TryGetValue(resourceId, out var known) ? known : (new SemaphoreSlim(1, 1), 0);
            users += change;
            if (users == 0)
            {
                _resources.Remove(resourceId);
                gate.Dispose();
            }
            else
            {
                _resources[resourceId] = (gate, users);
            }

            return gate;
        }
    }

    private async Task<WorkResult> RunOneAsync(WorkOrder work, ProvenResource? sent, Action<WorkProgress> progress, CancellationToken cancellationToken)
    {
        try
        {
            if (string.IsNullOrEmpty(work.WorkId))
            {
                return Result(work, WorkOutcome.Failed, "the order has no work_id");
            }

            ResourceMarker.Check(work.ResourceId);
            return work.Kind switch
            {
                WorkKind.Provision => await ProvisionAsync(work, sent, progress, cancellationToken).ConfigureAwait(false),
                WorkKind.Delete => await DeleteAsync(work, sent, progress, cancellationToken).ConfigureAwait(false),
                _ => Result(work, WorkOutcome.Failed, $"work kind {work.Kind} is not one this agent knows"),
            };
        }
        catch (ArgumentException ex)
        {
            return Result(work, WorkOutcome.Failed, ex.Message);
        }
        catch (ProvisioningException ex)
        {
            // Busy, unreachable, taken or slow may work later; a template that is not there or a spec the hypervisor
            // rejects will not. Refused credentials are the site's to fix, so the control plane keeps trying meanwhile.
            return Result(work, ex.Failure is ProvisioningFailure.InvalidRequest or ProvisioningFailure.NotFound ? WorkOutcome.Failed : WorkOutcome.Retry,
                $"the hypervisor: {ex.Message}");
        }
        catch (ChainVerificationException ex)
        {
            // An answer that does not check proves nothing either way: the work is not done, and not refused as a
            // forgery either (that takes a proven value that differs). It is tried again, against the chain as it is then.
            return Result(work, WorkOutcome.Retry, $"the chain's answer did not check: {ex.Message}");
        }
        catch (ChainRpcException ex)
        {
            return Result(work, WorkOutcome.Retry, $"the chain could not be read: {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            return Result(work, WorkOutcome.Retry, $"the hypervisor could not be reached: {ex.Message}");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return Result(work, WorkOutcome.Retry, $"timed out: {ex.Message}");
        }
    }

    private async Task<WorkResult> ProvisionAsync(WorkOrder work, ProvenResource? sent, Action<WorkProgress> progress, CancellationToken cancellationToken)
    {
        if (Invalid(work) is { } invalid)
        {
            return Result(work, WorkOutcome.Failed, invalid);
        }

        var spec = SpecOf(work.Spec);
        var specHash = SpecHash.Of(spec);
        // The proof sent with the order spares the chain one eth_getProof per VM (its costliest call, and on anvil one
        // that reads the contract's whole storage): the control plane asks for many orders' slots at once. It is acted
        // on only when it checked, was recent, and supports the order; anything else (and a refusal above all) rests on
        // the agent's own read.
        var (chain, why) = await CheckAsync(work, sent, c => Unacceptable(work, c, specHash), cancellationToken).ConfigureAwait(false);
        if (why is not null)
        {
            return why;
        }

        progress(Progress(work, "checked", $"The chain holds spec {Short(specHash)} for {work.ResourceId}, placed at {_options.Site} {Basis(chain, sent)}."));

        var vm = await _hypervisor.FindByResourceIdAsync(work.ResourceId, cancellationToken).ConfigureAwait(false);
        if (vm is null)
        {
            vm = await CloneAsync(work, progress, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            progress(Progress(work, "found", $"Found VM {vm.Ref}, made for this resource earlier (an interrupted run, or a resize); carrying on with it."));
        }

        if (vm.Lock is { } held)
        {
            return Result(work, WorkOutcome.Retry, $"VM {vm.Ref} is locked ({held}); waiting for the operation to finish");
        }

        if (VirtualMachineSizing.NeedsRestart(vm, spec))
        {
            progress(Progress(work, "stopping", $"Shutting VM {vm.Ref} down to change its CPU and memory; it starts again with the new size."));
            await _hypervisor.ShutdownAsync(vm.Ref, _options.ShutdownTimeout, forceStop: true, cancellationToken).ConfigureAwait(false);
        }

        progress(Progress(work, "configuring", $"Configuring VM {vm.Ref}: {spec.VCpu} vCPU, {spec.RamMiB} MiB, {spec.DiskGiB} GiB."));
        await _hypervisor.ConfigureAsync(vm.Ref, new VirtualMachineConfiguration
        {
            Cores = spec.VCpu,
            MemoryMegabytes = checked((int)spec.RamMiB),
            DiskSizeGigabytes = checked((int)spec.DiskGiB),
            CloudInitUser = spec.CloudInitUser,
            SshPublicKeys = spec.SshKeys.Count > 0 ? spec.SshKeys : null,
            IpConfig = Dhcp,
        }, cancellationToken).ConfigureAwait(false);
        progress(Progress(work, "starting", $"Starting VM {vm.Ref}."));
        await _hypervisor.StartAsync(vm.Ref, cancellationToken).ConfigureAwait(false);

        // What runs, read back from the hypervisor, is what the site attests; not what was asked for.
        var observed = SpecHash.Of(await _observer.ObserveAsync(vm.Ref, work.ResourceId, spec.Template, cancellationToken).ConfigureAwait(false));
        // The count proven with the spec above: only this site's key moves it on, by an attestation relayed since (an
        // earlier run's). Then the chain refuses this signature and the control plane asks for a new one; reading the
        // count again here would cost every VM a second proof, the chain's busiest call, for that rare case.
        var count = chain.Header.SiteAttestations;
        var signature = _keys.Current.Sign(AttestationDigest.Compute(_options.Registry, _options.ChainId, work.ResourceId, observed, count));
        progress(Progress(work, "attesting", observed.AsSpan().SequenceEqual(specHash)
            ? $"VM {vm.Ref} runs spec {Short(observed)}, as requested; the site signed its attestation."
            : $"VM {vm.Ref} runs spec {Short(observed)}, not the requested {Short(specHash)}; the site signed what runs."));
        var result = Result(work, WorkOutcome.Done, string.Empty);
        result.Node = vm.Ref.Node;
        result.VmId = vm.Ref.VmId;
        result.Attestation = new SiteAttestation { ObservedSpecHash = ByteString.CopyFrom(observed), Signature = ByteString.CopyFrom(signature), Count = count };
        return result;
    }

    /// <summary>
    /// What the chain holds for the order's resource, and why it does not support the order (null when it does). The
    /// proof sent with the order is acted on only when it supports the order; otherwise (and a refusal above all) the
    /// answer rests on the agent's own read.
    /// </summary>
    private async Task<(ProvenResource Chain, WorkResult? Why)> CheckAsync(
        WorkOrder work, ProvenResource? sent, Func<ProvenResource, WorkResult?> unacceptable, CancellationToken cancellationToken)
    {
        var chain = sent is not null && unacceptable(sent) is null
            ? sent
            : await _chain.ReadResourceAsync(_options.Registry, work.ResourceId, cancellationToken).ConfigureAwait(false);
        var why = unacceptable(chain);
        if (why is { Outcome: WorkOutcome.Refused })
        {
            LogRefused(_logger, work.WorkId, work.ResourceId, why.Error);
        }

        return (chain, why);
    }

    private static string Basis(ProvenResource chain, ProvenResource? sent) =>
        $"(block {chain.Block.Header.Number}, {(ReferenceEquals(chain, sent) ? "proof sent with the order" : "proof read by the agent")})";

    /// <summary>What the proof sent with the order shows, or null when there is none or it could not be checked (logged).</summary>
    private async Task<ProvenResource?> SentProofAsync(WorkOrder work, CancellationToken cancellationToken)
    {
        if (work.Proof is not { } proof)
        {
            return null;
        }

        try
        {
            return await _chain.VerifyResourceAsync(_options.Registry, work.ResourceId, proof.BlockNumber, SentProof.ToAccountProof(proof, _options.Registry), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ChainVerificationException or ChainRpcException or ArgumentException)
        {
            LogSentProofIgnored(_logger, work.WorkId, work.ResourceId, ex.Message);
            return null;
        }
    }

    /// <summary>Why the chain does not support the order, or null when it does (requested with this spec, placed here).</summary>
    private WorkResult? Unacceptable(WorkOrder work, ProvenResource chain, byte[] specHash)
    {
        var at = $"(block {chain.Block.Header.Number})";
        if (chain.Header.State == OnChainResourceState.None)
        {
            return Refused(work, $"the chain holds no request for resource {work.ResourceId} {at}");
        }

        if (!chain.RequestedSpecHash.AsSpan().SequenceEqual(specHash))
        {
            return Refused(work, $"the order's spec hashes to {Short(specHash)}, but the chain holds {Short(chain.RequestedSpecHash)} as resource {work.ResourceId}'s requested spec {at}");
        }

        if (chain.Header.State is OnChainResourceState.Deleted or OnChainResourceState.Removing)
        {
            return Refused(work, $"the chain records resource {work.ResourceId} as {(chain.Header.State == OnChainResourceState.Deleted ? "deleted" : "being removed")} {at}");
        }

        if (!chain.Site.AsSpan().ContainsAnyExcept((byte)0))
        {
            // Requested but not placed yet: the placement may still be on its way to the chain.
            return Result(work, WorkOutcome.Retry, $"the chain holds no placement for resource {work.ResourceId} yet {at}");
        }

        return chain.Site.AsSpan().SequenceEqual(_siteId)
            ? null
            : Refused(work, $"the chain places resource {work.ResourceId} at another site ({Short(chain.Site)}), not at {_options.Site} {at}");
    }

    private async Task<VirtualMachineInfo> CloneAsync(WorkOrder work, Action<WorkProgress> progress, CancellationToken cancellationToken)
    {
        var nodes = await _hypervisor.ListNodesAsync(cancellationToken).ConfigureAwait(false);
        var templateNode = await TemplateNodeAsync(work, nodes, cancellationToken).ConfigureAwait(false);
        var target = nodes.FirstOrDefault(n => n.Online && n.Name == work.NodeHint)?.Name ?? templateNode;
        var name = string.IsNullOrEmpty(work.Spec.Name) ? "sankofa-" + work.ResourceId : work.Spec.Name;
        CloneVirtualMachineRequest Request(int vmId) => new(work.ResourceId, work.TemplateVmId, templateNode, vmId, name) { TargetNode = target == templateNode ? null : target };

        if (work.VmIdHint > 0)
        {
            try
            {
                progress(Progress(work, "cloning", $"Cloning template {work.Spec.Template} into VM {target}/{work.VmIdHint}."));
                return await _hypervisor.CloneAsync(Request(work.VmIdHint), cancellationToken).ConfigureAwait(false);
            }
            catch (ProvisioningException ex) when (ex.Failure == ProvisioningFailure.Conflict)
            {
                // The hinted id holds another VM: a hint, not an order, so take a free one.
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            var id = await _hypervisor.AllocateIdAsync(cancellationToken).ConfigureAwait(false);
            progress(Progress(work, "cloning", $"Cloning template {work.Spec.Template} into VM {target}/{id}."));
            try
            {
                return await _hypervisor.CloneAsync(Request(id), cancellationToken).ConfigureAwait(false);
            }
            catch (ProvisioningException ex) when (ex.Failure == ProvisioningFailure.Conflict && attempt < MaxCloneAttempts)
            {
                // Proxmox hands out the next free id to whoever asks: the site's other orders cloning at the same moment
                // can take it first. The id is taken now, so the next one asked for is another.
            }
        }
    }

    /// <summary>How many free ids one clone tries before the order is retried later.</summary>
    private const int MaxCloneAttempts = 5;

    private async Task<string> TemplateNodeAsync(WorkOrder work, IReadOnlyList<HypervisorNode> nodes, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(work.TemplateNode))
        {
            return work.TemplateNode;
        }

        if (_templateNodes.TryGetValue(work.TemplateVmId, out var known) && nodes.Any(n => n.Online && n.Name == known))
        {
            return known;
        }

        foreach (var node in nodes.Where(n => n.Online))
        {
            if (await _hypervisor.GetAsync(new VirtualMachineRef(node.Name, work.TemplateVmId), cancellationToken).ConfigureAwait(false) is not null)
            {
                return _templateNodes[work.TemplateVmId] = node.Name;
            }
        }

        throw new ProvisioningException(ProvisioningFailure.NotFound, $"Template {work.Spec.Template} (VM {work.TemplateVmId}) is on no online node of {_options.Site}.");
    }

    /// <summary>
    /// Why the chain does not support destroying the resource's VMs, or null when it does: the chain records the removal
    /// (or the deletion), or holds nothing of the resource (no VM of it can have been made here then: a provisioning
    /// order needs the chain's request).
    /// </summary>
    private WorkResult? RemovalUnsupported(WorkOrder work, ProvenResource chain) =>
        chain.Header.State is OnChainResourceState.Removing or OnChainResourceState.Deleted or OnChainResourceState.None
            ? null
            : Refused(work, $"the chain does not record the removal of resource {work.ResourceId}: it holds it as "
                + $"{chain.Header.State.ToString().ToLowerInvariant()} (block {chain.Block.Header.Number})");

    private async Task<WorkResult> DeleteAsync(WorkOrder work, ProvenResource? sent, Action<WorkProgress> progress, CancellationToken cancellationToken)
    {
        var (chain, why) = await CheckAsync(work, sent, c => RemovalUnsupported(work, c), cancellationToken).ConfigureAwait(false);
        if (why is not null)
        {
            return why;
        }

        progress(Progress(work, "checked", $"The chain records resource {work.ResourceId} as {chain.Header.State.ToString().ToLowerInvariant()} {Basis(chain, sent)}."));
        var vms = (await _hypervisor.ListManagedAsync(cancellationToken).ConfigureAwait(false)).Where(vm => vm.ResourceId == work.ResourceId).ToList();
        foreach (var vm in vms)
        {
            progress(Progress(work, "deleting", $"Shutting down and deleting VM {vm.Ref}."));
            await _hypervisor.ShutdownAsync(vm.Ref, _options.ShutdownTimeout, forceStop: true, cancellationToken).ConfigureAwait(false);
            await _hypervisor.DeleteAsync(vm.Ref, cancellationToken).ConfigureAwait(false);
        }

        if (vms.Count == 0)
        {
            progress(Progress(work, "deleted", $"No VM carries resource {work.ResourceId}: nothing to delete."));
        }

        return Result(work, WorkOutcome.Done, string.Empty);
    }

    private static string? Invalid(WorkOrder work) => work.Spec switch
    {
        null => "a provisioning order without a spec",
        { Vcpu: <= 0 } => "spec.vcpu must be positive",
        { RamMib: <= 0 or > int.MaxValue } => "spec.ram_mib must be positive",
        { DiskGib: <= 0 or > int.MaxValue } => "spec.disk_gib must be positive",
        { Template.Length: 0 } => "spec.template is empty",
        _ when work.TemplateVmId <= 0 => "template_vm_id must be a VM id",
        _ => null,
    };

    private static ResourceSpec SpecOf(VmSpec spec) =>
        new(spec.Vcpu, spec.RamMib, spec.DiskGib, spec.Template, [.. spec.SshKeys], string.IsNullOrEmpty(spec.CloudInitUser) ? null : spec.CloudInitUser);

    // Not logged here: a sent proof that does not support the order is set aside, not refused.
    private static WorkResult Refused(WorkOrder work, string reason) => Result(work, WorkOutcome.Refused, reason);

    private static WorkResult Result(WorkOrder work, WorkOutcome outcome, string error) =>
        new() { WorkId = work.WorkId, ResourceId = work.ResourceId, Outcome = outcome, Error = error };

    private static WorkProgress Progress(WorkOrder work, string step, string message) =>
        new() { WorkId = work.WorkId, ResourceId = work.ResourceId, Step = step, Message = message };

    private static string Short(byte[] hash) => "0x" + Convert.ToHexStringLower(hash.AsSpan(0, 4)) + "…";
}
