
namespace Sankofa.Core.Provisioning;

/// <summary>What a site's agent is asked to do for a resource.</summary>
public enum SiteWorkKind
{
    /// <summary>Make the resource's VM (or find the one an earlier run made), configure and start it, and attest what runs.</summary>
    Provision,

    /// <summary>Shut down and destroy every VM carrying the resource's id.</summary>
    Delete,
}

/// <summary>Where a work item stands.</summary>
public enum SiteWorkState
{
    /// <summary>Queued: sent to the site's agent whenever it is linked, until its result arrives.</summary>
    Open,

    /// <summary>The agent's result is in and waits for the reconciler.</summary>
    Finished,

    /// <summary>The reconciler has acted on the result (a retry or a new attestation needs a new item), or withdrew the item.</summary>
    Closed,
}

/// <summary>How a work item ended on the site (the agent's word).</summary>
public enum SiteWorkOutcome
{
    /// <summary>Done as asked.</summary>
    Done,

    /// <summary>Failed now, may work later: retried with backoff.</summary>
    Retry,

    /// <summary>Cannot work as asked: provisioning gives up and rolls back.</summary>
    Failed,

    /// <summary>The agent would not do it: what the work claims does not check against the chain.</summary>
    Refused,
}

/// <summary>What the agent needs to do a piece of work, as the control plane asked it.</summary>
/// <param name="Spec">The requested spec (its hash is what the chain holds for the resource).</param>
/// <param name="Name">The VM's name.</param>
/// <param name="NodeHint">The node the control plane placed it on (used when the site has it).</param>
/// <param name="TemplateVmId">The template's VM id on the site's cluster.</param>
/// <param name="TemplateNode">The template's node, when configured.</param>
/// <param name="Vm">The VM the resource has, as the control plane last knew it (a delete looks there first).</param>
public sealed record SiteWorkOrder(ResourceSpec Spec, string Name, string? NodeHint, int TemplateVmId, string? TemplateNode, VirtualMachineRef? Vm);

/// <summary>The agent's result of a work item.</summary>
/// <param name="Outcome">Done, or why not.</param>
/// <param name="Error">Why, when not done.</param>
/// <param name="Vm">The VM that runs (a provision done).</param>
/// <param name="Attestation">The site's attestation of what runs (a provision done).</param>
public sealed record SiteWorkResult(SiteWorkOutcome Outcome, string? Error, VirtualMachineRef? Vm, SiteWorkAttestation? Attestation);

/// <summary>A site's attestation as its agent made it: what ResourceRegistry.attest takes.</summary>
/// <param name="ObservedSpecHash">Spec hash of what the site's hypervisor runs.</param>
/// <param name="Signature">The site key's 65-byte EIP-191 signature over the attestation digest.</param>
/// <param name="Count">The resource's site attestation count the digest covers.</param>
public sealed record SiteWorkAttestation(byte[] ObservedSpecHash, byte[] Signature, uint Count);

/// <summary>A piece of a site's work, queued durably until its agent's result is in.</summary>
/// <param name="Seq">Order of queueing (the list's cursor).</param>
/// <param name="WorkId">The work's id, as sent to the agent.</param>
/// <param name="SiteId">The site whose agent does it.</param>
/// <param name="ResourceId">The resource it is for.</param>
/// <param name="Kind">Provision or delete.</param>
/// <param name="State">Open, finished or closed.</param>
/// <param name="Order">What to do.</param>
/// <param name="QueuedAt">When it was queued.</param>
/// <param name="FinishedAt">When the agent's result arrived.</param>
/// <param name="Result">The agent's result.</param>
public sealed record SiteWorkItem(
    long Seq, string WorkId, string SiteId, string ResourceId, SiteWorkKind Kind, SiteWorkState State, SiteWorkOrder Order,
    DateTimeOffset QueuedAt, DateTimeOffset? FinishedAt, SiteWorkResult? Result);

/// <summary>Durable storage of the work each site's agent is given.</summary>
public interface ISiteWorkStore
{
    /// <summary>
    /// Queues work for a resource unless one of the same kind is open already, and returns the open item (the new one,
    /// or the one found): queueing twice queues once.
    /// </summary>
    /// <returns>The open item and whether this call queued it.</returns>
    Task<(SiteWorkItem Item, bool Queued)> EnqueueAsync(string siteId, string resourceId, SiteWorkKind kind, SiteWorkOrder order, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="take"/> open items of a site in queueing order, after a cursor.</summary>
    Task<IReadOnlyList<SiteWorkItem>> ListOpenAsync(string siteId, long? after, int take, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the agent's result of an open item of <paramref name="siteId"/>; null (and nothing changed) when there is no
    /// such item, it belongs to another site or resource, or its result is in already (a report sent twice).
    /// </summary>
    Task<SiteWorkItem?> FinishAsync(string workId, string siteId, string resourceId, SiteWorkResult result, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The newest item of a kind for a resource, or null.</summary>
    Task<SiteWorkItem?> LatestAsync(string resourceId, SiteWorkKind kind, CancellationToken cancellationToken);

    /// <summary>One item by its id, or null.</summary>
    Task<SiteWorkItem?> GetAsync(string workId, CancellationToken cancellationToken);

    /// <summary>Marks an item closed: the reconciler has acted on its result, or withdrew it (a deletion supersedes an open provision).</summary>
    Task CloseAsync(string workId, CancellationToken cancellationToken);
}

/// <summary>The reconciler's view of sites that have an agent: whether a site works that way, and its queue.</summary>
public interface ISiteWorkQueue
{
    /// <summary>Whether the site's hypervisor is driven by its own agent (it has an approved one) rather than directly.</summary>
    ValueTask<bool> IsAgentSiteAsync(string siteId, CancellationToken cancellationToken);

    /// <summary>Queues work (once per resource and kind while open) and hands it to the site's agent if it is linked.</summary>
    Task<SiteWorkItem> EnqueueAsync(string siteId, string resourceId, SiteWorkKind kind, SiteWorkOrder order, CancellationToken cancellationToken);

    /// <summary>The newest item of a kind for a resource, or null.</summary>
    Task<SiteWorkItem?> LatestAsync(string resourceId, SiteWorkKind kind, CancellationToken cancellationToken);

    /// <summary>Marks an item closed: the reconciler has acted on its result, or withdrew it; it is not sent again.</summary>
    Task CloseAsync(SiteWorkItem item, CancellationToken cancellationToken);
}
