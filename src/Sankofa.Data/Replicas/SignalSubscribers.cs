using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Sankofa.Core.Replicas;

namespace Sankofa.Data.Replicas;

/// <summary>The subscribers of a bus, by signal name, and their calling: one that throws does not stop the others.</summary>
internal sealed partial class SignalSubscribers(ILogger logger)
{
    private readonly ConcurrentDictionary<string, ImmutableArray<Subscription>> byName = new(StringComparer.Ordinal);

    public IDisposable Add(string name, Action<string> onSignal, Action onMissed)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(onSignal);
        ArgumentNullException.ThrowIfNull(onMissed);
        var subscription = new Subscription(this, name, onSignal, onMissed);
        byName.AddOrUpdate(name, static (_, s) => [s], static (_, list, s) => list.Add(s), subscription);
        return subscription;
    }

    public void Deliver(string name, string payload)
    {
        if (byName.TryGetValue(name, out var subscriptions))
        {
            foreach (var subscription in subscriptions)
            {
                Call(name, () => subscription.OnSignal(payload));
            }
        }
    }

    /// <summary>Tells every subscriber that signals may have been missed.</summary>
    public void Missed()
    {
        foreach (var (name, subscriptions) in byName)
        {
            foreach (var subscription in subscriptions)
            {
                Call(name, subscription.OnMissed);
            }
        }
    }

    /// <summary>Checks what <see cref="IReplicaSignals.Publish"/> takes.</summary>
    public static void Check(string name, string payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(payload);
        if (System.Text.Encoding.UTF8.GetByteCount(name) + System.Text.Encoding.UTF8.GetByteCount(payload) > IReplicaSignals.MaxLength
            || name.Contains(Envelope.Separator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"A signal's name and payload take at most {IReplicaSignals.MaxLength} bytes, and the name no U+001F.", nameof(payload));
        }
    }

    private void Call(string name, Action handler)
    {
        try
        {
            handler();
        }
        catch (Exception ex)
        {
            LogHandlerFailed(logger, name, ex);
        }
    }

    private void Remove(Subscription subscription) =>
        byName.AddOrUpdate(subscription.Name, static (_, _) => [], static (_, list, s) => list.Remove(s), subscription);

    [LoggerMessage(Level = LogLevel.Error, Message = "A subscriber of replica signal {Name} failed")]
    private static partial void LogHandlerFailed(ILogger logger, string name, Exception exception);

    private sealed class Subscription(SignalSubscribers owner, string name, Action<string> onSignal, Action onMissed) : IDisposable
    {
        public string Name => name;

        public Action<string> OnSignal => onSignal;

        public Action OnMissed => onMissed;

        public void Dispose() => owner.Remove(this);
    }
}

/// <summary>How a signal travels in a NOTIFY payload: the sending replica, the name and the payload, separated.</summary>
internal static class Envelope
{
    public const char Separator = '\u001f';

    public static string Wrap(string replica, string name, string payload) => string.Concat(replica, Separator.ToString(), name, Separator.ToString(), payload);

    public static bool TryUnwrap(string text, out string replica, out string name, out string payload)
    {
        var parts = text.Split(Separator, 3);
        (replica, name, payload) = parts.Length == 3 ? (parts[0], parts[1], parts[2]) : (string.Empty, string.Empty, string.Empty);
        return parts.Length == 3;
    }
}
