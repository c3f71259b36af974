using Sankofa.Agent.Protocol;
using Sankofa.Core;
using Sankofa.Core.Agents;
using Sankofa.Core.Provisioning;
using Sankofa.Server.Provisioning;

namespace Sankofa.Server.AgentLink;

/// <summary>
/// Takes what a linked agent reports about its work: progress goes into the resource's history, a result is stored on
/// its work item and wakes the resource's reconciliation at once. Only work sent to this very link is taken: an agent
/// cannot report on another site's work, or on work it was never given.
/// </summary>
internal sealed partial class AgentReports(
    ISiteWorkStore work, IResourceStore resources, ReconcilerSignal reconciler, TimeProvider time, ILogger<AgentReports> logger)
{
    // A resource event competes with the reconciler's own writes (optimistic versions): a few tries are plenty.
    private const int Tries = 4;

    /// <summary>
    /// Adds a step the agent took to the resource's history. Appended beside the resource, not written through it: a
    /// progress report changing the resource's version would make the reconciler's next write conflict and retry.
    /// </summary>
    public async Task ProgressAsync(AgentConnection link, WorkProgress progress, CancellationToken cancellationToken)
    {
        if (await KnownAsync(link, progress.WorkId, progress.ResourceId, cancellationToken).ConfigureAwait(false) is not { State: SiteWorkState.Open } item)
        {
            return;
        }

        var step = Step(progress.Step);
        var message = $"Site {link.Site}'s agent: {Clip(progress.Message, 512)}";
        await resources.AppendEventAsync(item.ResourceId, new NewResourceEvent("agent." + step, message), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores the agent's result of a work item and wakes the resource; a result reported twice is taken once.</summary>
    public async Task ResultAsync(AgentConnection link, WorkResult result, CancellationToken cancellationToken)
    {
        if (await KnownAsync(link, result.WorkId, result.ResourceId, cancellationToken).ConfigureAwait(false) is not { } item)
        {
            return;
        }

        var outcome = result.Outcome switch
        {
            WorkOutcome.Done => SiteWorkOutcome.Done,
            WorkOutcome.Failed => SiteWorkOutcome.Failed,
            WorkOutcome.Refused => SiteWorkOutcome.Refused,
            _ => SiteWorkOutcome.Retry,
        };
        var vm = result is { VmId: > 0, Node.Length: > 0 } ? new VirtualMachineRef(result.Node, result.VmId) : (VirtualMachineRef?)null;
        var attestation = result.Attestation is { ObservedSpecHash.Length: 32, Signature.Length: 65 } a
            ? new SiteWorkAttestation(a.ObservedSpecHash.ToByteArray(), a.Signature.ToByteArray(), a.Count)
            : null;
        if (outcome == SiteWorkOutcome.Done && item.Kind == SiteWorkKind.Provision && (vm is null || attestation is null))
        {
            // Nothing to verify with: taken as a failure the control plane retries, not as done.
            (outcome, result.Error) = (SiteWorkOutcome.Retry, "the agent reported the VM made but sent no VM or no attestation");
        }

        var finished = await work.FinishAsync(item.WorkId, link.Site, item.ResourceId,
            new SiteWorkResult(outcome, outcome == SiteWorkOutcome.Done ? null : Clip(result.Error, 2048), vm, attestation), time.GetUtcNow(), cancellationToken)
            .ConfigureAwait(false);
        link.Forget(item.WorkId);
        if (finished is null)
        {
            return; // answered already (a report sent again) or withdrawn meanwhile
        }

        LogResult(logger, link.Site, item.ResourceId, item.WorkId, outcome);
        var now = time.GetUtcNow();
        await ChangeAsync(item.ResourceId, r => r.IsSettled || r.NextAttemptAt <= now ? null : r with { NextAttemptAt = now }, cancellationToken).ConfigureAwait(false);
        reconciler.WakeEveryReplica();
    }

    /// <summary>
    /// The work item the report is about, when it is this site's: sent on this link, or (a report kept by the agent
    /// across a reconnection or a server restart) stored for this site and resource.
    /// </summary>
    private async Task<SiteWorkItem?> KnownAsync(AgentConnection link, string workId, string resourceId, CancellationToken cancellationToken)
    {
        var item = link.Sent(workId) ?? await work.GetAsync(workId, cancellationToken).ConfigureAwait(false);
        if (item is null || item.ResourceId != resourceId || item.SiteId != link.Site)
        {
            LogUnknown(logger, link.Site, workId, resourceId);
            return null;
        }

        return item;
    }

    /// <summary>Applies a change to the resource as stored now, reading it again when the reconciler wrote meanwhile.</summary>
    private async Task ChangeAsync(string resourceId, Func<Resource, Resource?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= Tries; attempt++)
        {
            if (await resources.GetResourceAsync(resourceId, cancellationToken).ConfigureAwait(false) is not { } current || change(current) is not { } updated)
            {
                return;
            }

            try
            {
                await resources.UpdateResourceAsync(updated, null, null, null, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (StoreConflictException) when (attempt < Tries)
            {
                // Changed meanwhile: read it again.
            }
        }
    }

    private static string Step(string step) =>
        step.Length is > 0 and <= 32 && step.All(c => char.IsAsciiLetterLower(c) || c == '-') ? step : "progress";

    private static string? Clip(string? text, int max) => text is null || text.Length <= max ? text : text[..max];

    [LoggerMessage(Level = LogLevel.Information, Message = "Site {Site} agent finished work {WorkId} for resource {Resource}: {Outcome}")]
    private static partial void LogResult(ILogger logger, string site, string resource, string workId, SiteWorkOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site {Site} agent reported on work {WorkId} (resource {Resource}) that was not sent to it on this link; ignored")]
    private static partial void LogUnknown(ILogger logger, string site, string workId, string resource);
}
