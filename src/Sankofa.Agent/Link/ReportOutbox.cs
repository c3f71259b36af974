using Sankofa.Agent.Protocol;

namespace Sankofa.Agent.Link;

/// <summary>
/// The agent's reports (progress, results, inventory) on their way to the control plane, delivered at least once: each
/// gets the next sequence number and stays until the control plane acks a number at least as high; everything not acked
/// is sent again, in order, on the next link. Bounded: past <see cref="Capacity"/> the oldest inventory goes first (a
/// newer one replaces it), then the oldest progress; a work result is never dropped, since only it ends the work.
/// </summary>
public sealed class ReportOutbox
{
    private readonly Lock _gate = new();
    private readonly LinkedList<AgentMessage> _pending = new();
    private TaskCompletionSource _added = NewSignal();
    private ulong _next;

    /// <summary>Creates an empty outbox.</summary>
    /// <param name="capacity">Reports kept at most (results may exceed it).</param>
    /// <param name="firstSequence">The first report's number.</param>
    public ReportOutbox(int capacity, ulong firstSequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _next = firstSequence;
    }

    /// <summary>
    /// An outbox numbering from the clock (microseconds since the Unix epoch): an agent that restarts, losing what it held,
    /// still numbers above everything it sent before, so the control plane never mistakes a new report for an old one.
    /// </summary>
    public static ReportOutbox Create(int capacity, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return new ReportOutbox(capacity, (ulong)time.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
    }

    /// <summary>Reports kept at most.</summary>
    public int Capacity { get; }

    /// <summary>Reports not acked yet.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Reports dropped to keep within <see cref="Capacity"/>.</summary>
    public long Dropped { get; private set; }

    /// <summary>Numbers <paramref name="report"/> (progress, result or inventory) and keeps it until acked.</summary>
    /// <returns>The report's sequence number.</returns>
    public ulong Add(AgentMessage report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.BodyCase is not (AgentMessage.BodyOneofCase.Progress or AgentMessage.BodyOneofCase.Result or AgentMessage.BodyOneofCase.Inventory))
        {
            throw new ArgumentException($"Only reports are numbered and kept, not {report.BodyCase}.", nameof(report));
        }

        TaskCompletionSource added;
        ulong sequence;
        lock (_gate)
        {
            sequence = report.Sequence = _next++;
            _pending.AddLast(report);
            while (_pending.Count > Capacity && (Oldest(AgentMessage.BodyOneofCase.Inventory) ?? Oldest(AgentMessage.BodyOneofCase.Progress)) is { } drop)
            {
                _pending.Remove(drop);
                Dropped++;
            }

            (added, _added) = (_added, NewSignal());
        }

        added.TrySetResult();
        return sequence;
    }

    /// <summary>Forgets every report numbered up to and including <paramref name="sequence"/>: the control plane has stored them.</summary>
    public void Acknowledge(ulong sequence)
    {
        lock (_gate)
        {
            while (_pending.First is { } first && first.Value.Sequence <= sequence)
            {
                _pending.RemoveFirst();
            }
        }
    }

    /// <summary>The reports not acked, numbered above <paramref name="sequence"/>, oldest first (0: all of them).</summary>
    public IReadOnlyList<AgentMessage> After(ulong sequence)
    {
        lock (_gate)
        {
            return [.. _pending.Where(m => m.Sequence > sequence)];
        }
    }

    /// <summary>Completes when a report numbered above <paramref name="sequence"/> is waiting (at once if one is).</summary>
    public Task WaitAfterAsync(ulong sequence, CancellationToken cancellationToken)
    {
        Task added;
        lock (_gate)
        {
            if (_pending.Last is { } last && last.Value.Sequence > sequence)
            {
                return Task.CompletedTask;
            }

            added = _added.Task;
        }

        return added.WaitAsync(cancellationToken);
    }

    private LinkedListNode<AgentMessage>? Oldest(AgentMessage.BodyOneofCase kind)
    {
        for (var node = _pending.First; node is not null; node = node.Next)
        {
            if (node.Value.BodyCase == kind)
            {
                return node;
            }
        }

        return null;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
