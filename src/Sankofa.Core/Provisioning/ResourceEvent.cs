namespace Sankofa.Core.Provisioning;

/// <summary>One entry of a resource's history: a state change, a step done, or a retry scheduled.</summary>
/// <param name="Id">Store id (ascending in time).</param>
/// <param name="ResourceId">The resource.</param>
/// <param name="Time">When.</param>
/// <param name="Status">The resource's status after the event.</param>
/// <param name="Kind">What happened, dotted (e.g. <c>vm.provisioning</c>, <c>chain.placed</c>, <c>retry.scheduled</c>).</param>
/// <param name="Message">What happened, in words.</param>
public sealed record ResourceEvent(long Id, string ResourceId, DateTimeOffset Time, ResourceStatus Status, string Kind, string Message);

/// <summary>An event to append; the store assigns its id.</summary>
/// <param name="Kind">What happened, dotted.</param>
/// <param name="Message">In words.</param>
public sealed record NewResourceEvent(string Kind, string Message)
{
    /// <summary>
    /// The status stored beside the event when it is not the resource's new one: a step stored together with the next
    /// (one write for both) keeps the status it reached in the history. Null: the resource's new status.
    /// </summary>
    public ResourceStatus? Status { get; init; }
}
