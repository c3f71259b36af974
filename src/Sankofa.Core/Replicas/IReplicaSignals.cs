namespace Sankofa.Core.Replicas;

/// <summary>
/// Signals between the control-plane replicas sharing one store: whoever keeps something in memory that another
/// replica's change can make stale (a read cache, an identity's status, an agent's link) subscribes to the signal that
/// says so, and whoever makes the change publishes it once the change is committed. A signal is a hint, never the data:
/// the subscriber reads the store (or the chain) again. Delivery is prompt but not guaranteed; whenever signals may have
/// been missed (the bus lost its connection) every subscriber is told to drop everything it keeps.
/// </summary>
public interface IReplicaSignals
{
    /// <summary>
    /// Sends <paramref name="name"/> with <paramref name="payload"/> to every replica, this one included (its subscribers
    /// are called before this returns). Call it after the change committed. Never blocks on the network and never throws
    /// for a delivery failure: the other replicas then learn of a reconnection and drop everything instead.
    /// </summary>
    /// <param name="name">What changed, one of <see cref="ReplicaSignalNames"/>.</param>
    /// <param name="payload">Which one (an id), or empty; with the name at most <see cref="MaxLength"/> bytes of UTF-8.</param>
    void Publish(string name, string payload);

    /// <summary>Calls <paramref name="onSignal"/> with the payload of every <paramref name="name"/> signal, and <paramref name="onMissed"/> when signals may have been missed.</summary>
    /// <param name="name">The signal.</param>
    /// <param name="onSignal">Called on a thread of the bus: keep it short and let nothing escape (what escapes is logged and dropped).</param>
    /// <param name="onMissed">Drop everything kept: it may be stale and no signal said so.</param>
    /// <returns>Ends the subscription.</returns>
    IDisposable Subscribe(string name, Action<string> onSignal, Action onMissed);

    /// <summary>Longest name plus payload, in bytes of UTF-8 (PostgreSQL's NOTIFY takes under 8000, with room for the envelope).</summary>
    public const int MaxLength = 7000;
}

/// <summary>The signals replicas exchange, and what their payload is.</summary>
public static class ReplicaSignalNames
{
    /// <summary>Tenants, projects or resources changed (payload empty): kept answers about them are stale.</summary>
    public const string Resources = "resources";

    /// <summary>An identity was suspended, reinstated or revoked (payload <c>id|status</c>).</summary>
    public const string IdentityStatus = "identity.status";

    /// <summary>Work was queued or withdrawn for a site with an agent (payload the site id): the replica holding its link sends it.</summary>
    public const string SiteWork = "site.work";

    /// <summary>A resource is due for reconciliation now (payload empty), e.g. its agent reported a result.</summary>
    public const string ReconcilerWake = "reconciler.wake";

    /// <summary>A site's agent reported its health (payload the <c>SiteObservation</c> as JSON): replicas without its link keep it too.</summary>
    public const string SiteReport = "site.report";
}
