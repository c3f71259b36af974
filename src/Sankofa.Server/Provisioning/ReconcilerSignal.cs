using Sankofa.Core.Replicas;
using Sankofa.Server.Hosting;

namespace Sankofa.Server.Provisioning;

/// <summary>
/// Wakes the reconciler when a request changed a resource, so it does not wait for its next poll; also when another
/// replica signals <see cref="ReplicaSignalNames.ReconcilerWake"/> (an agent linked there reported a result).
/// </summary>
internal sealed class ReconcilerSignal : WakeSignal
{
    private readonly IReplicaSignals signals;
    private readonly IDisposable subscription;

    public ReconcilerSignal(IReplicaSignals signals)
    {
        this.signals = signals;
        subscription = signals.Subscribe(ReplicaSignalNames.ReconcilerWake, _ => Wake(), Wake);
    }

    /// <summary>Wakes the reconciler of every replica, this one included: whichever claims the resource first takes it.</summary>
    public void WakeEveryReplica() => signals.Publish(ReplicaSignalNames.ReconcilerWake, string.Empty);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            subscription.Dispose();
        }

        base.Dispose(disposing);
    }
}
