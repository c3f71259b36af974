using System.Collections.Concurrent;
using System.Diagnostics;

namespace Sankofa.Core.Provisioning;

/// <summary>
/// The provisioning spans (placement, each reconcile round) and the hand-over of a request's trace to the reconciler,
/// which runs later in a background worker. The hand-over is in memory: the request's span context is kept by resource
/// id until the resource settles, and every reconcile round of it on this server is a child of that request's span. A
/// round on another replica, or after a restart, starts a trace of its own: a trace is for reading what one request
/// caused while it happens, not state worth a column in every resource row. Nothing is kept or started while no
/// tracer listens (<see cref="ActivitySource.HasListeners"/>), so tracing off costs a check per request and per round.
/// </summary>
public static class ProvisioningTracing
{
    /// <summary>The <see cref="ActivitySource"/> name of placement and reconcile spans.</summary>
    public const string SourceName = "Sankofa.Provisioning";

    /// <summary>Span attribute: Sankofa's resource id.</summary>
    public const string ResourceAttribute = "sankofa.resource.id";

    // Bounded: resources settled elsewhere (another replica) never take their entry out here, so old ones are swept.
    private const int MaxRequests = 10_000;
    private static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    private static readonly ConcurrentDictionary<string, (ActivityContext Context, long At)> Requests = new(StringComparer.Ordinal);

    internal static readonly ActivitySource Source = new(SourceName);

    /// <summary>Keeps the current span (the API request's) as the parent of the reconcile rounds of <paramref name="resourceId"/>.</summary>
    internal static void HandOver(string resourceId)
    {
        if (!Source.HasListeners() || Activity.Current is not { } current)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (Requests.Count >= MaxRequests)
        {
            foreach (var (id, entry) in Requests)
            {
                if (Stopwatch.GetElapsedTime(entry.At, now) > MaxAge)
                {
                    Requests.TryRemove(id, out _);
                }
            }

            if (Requests.Count >= MaxRequests)
            {
                return; // the rounds start traces of their own
            }
        }

        Requests[resourceId] = (current.Context, now);
    }

    /// <summary>Forgets the hand-over of a resource whose creation was not stored after all.</summary>
    internal static void Withdraw(string resourceId) => Requests.TryRemove(resourceId, out _);

    /// <summary>
    /// A reconcile round's span (null without a listener): a child of the request that asked for the change when that
    /// request was handed over here. The worker holds it around the round and the round's log records.
    /// </summary>
    public static Activity? StartReconcile(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (!Source.HasListeners())
        {
            return null;
        }

        var parent = Requests.TryGetValue(resource.Id, out var request) ? request.Context : default;
        var activity = Source.StartActivity("reconcile", ActivityKind.Internal, parent);
        activity?.SetTag(ResourceAttribute, resource.Id);
        activity?.SetTag("sankofa.resource.status", resource.Status.ToString());
        return activity;
    }

    /// <summary>Ends a round's span; a settled resource's hand-over is dropped (a later change is a new request).</summary>
    public static void EndReconcile(Activity? activity, Resource after)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (after.IsSettled && !Requests.IsEmpty)
        {
            Requests.TryRemove(after.Id, out _);
        }

        if (activity is null)
        {
            return;
        }

        activity.SetTag("sankofa.resource.outcome", after.Status.ToString());
        if (after.Status == ResourceStatus.Failed)
        {
            activity.SetStatus(ActivityStatusCode.Error, after.FailureReason);
        }

        activity.Dispose();
    }
}
