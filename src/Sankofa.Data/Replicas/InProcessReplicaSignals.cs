using Microsoft.Extensions.Logging;
using Sankofa.Core.Replicas;

namespace Sankofa.Data.Replicas;

/// <summary>
/// The bus of a server that is the only replica (SQLite: one process owns the database): a signal reaches this
/// process's subscribers at once, and none is ever missed.
/// </summary>
public sealed class InProcessReplicaSignals(ILogger<InProcessReplicaSignals> logger) : IReplicaSignals
{
    private readonly SignalSubscribers subscribers = new(logger);

    /// <inheritdoc/>
    public void Publish(string name, string payload)
    {
        SignalSubscribers.Check(name, payload);
        subscribers.Deliver(name, payload);
    }

    /// <inheritdoc/>
    public IDisposable Subscribe(string name, Action<string> onSignal, Action onMissed) => subscribers.Add(name, onSignal, onMissed);
}
