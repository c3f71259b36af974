using Google.Protobuf;
using Sankofa.Agent.Protocol;

namespace Sankofa.Agent.Link;

/// <summary>
/// The agent's reports (progress, results, inventory) on their way to the control plane, delivered at least once: each
/// gets the next sequence number and stays until the control plane acks a number at least as high; everything not acked
/// is sent again, in order, on the next link. Bounded: past <see cref="Capacity"/> the oldest inventory goes first (a
/// newer one replaces it), then the oldest progress; a work result is never dropped, since only it ends the work.
/// With a directory, progress and results are also kept on disk until acked (one file each, written whole then renamed
/// into place), so an agent that restarts sends what it had not delivered; inventories are not kept (the restarted
/// agent reports a fresh one).
/// </summary>
public sealed class ReportOutbox
{
    private const string Extension = ".report";
    private readonly Lock _gate = new();
    private readonly LinkedList<AgentMessage> _pending = new();
    private readonly string? _directory;
    private TaskCompletionSource _added = NewSignal();
    private ulong _next;

    /// <summary>Creates an empty outbox.</summary>
    /// <param name="capacity">Reports kept at most (results may exceed it).</param>
    /// <param name="firstSequence">The first report's number.</param>
    /// <param name="directory">Where undelivered progress and results are kept across restarts; null keeps them in memory only.</param>
    public ReportOutbox(int capacity, ulong firstSequence, string? directory = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _next = firstSequence;
        _directory = directory;
        if (directory is null)
        {
            return;
        }

        Directory.CreateDirectory(directory);
        foreach (var torn in Directory.EnumerateFiles(directory, "*" + Extension + ".tmp"))
        {
            File.Delete(torn); // a crash while writing it: the report was never in the outbox
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*" + Extension).Order(StringComparer.Ordinal))
        {
            AgentMessage kept;
            try
            {
                kept = AgentMessage.Parser.ParseFrom(File.ReadAllBytes(file));
            }
            catch (InvalidProtocolBufferException)
            {
                File.Delete(file); // damaged (reports are renamed into place only once written whole): no report to send
                continue;
            }

            _pending.AddLast(kept);
            _next = Math.Max(_next, kept.Sequence + 1);
        }
    }

    /// <summary>
    /// An outbox numbering from the clock (microseconds since the Unix epoch): an agent that restarts still numbers above
    /// everything it sent before, so the control plane never mistakes a new report for an old one.
    /// </summary>
    /// <param name="capacity">Reports kept at most (results may exceed it).</param>
    /// <param name="time">The clock.</param>
    /// <param name="directory">Where undelivered progress and results are kept across restarts (read back here); null keeps them in memory only.</param>
    public static ReportOutbox Create(int capacity, TimeProvider time, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        return new ReportOutbox(capacity, (ulong)time.GetUtcNow().ToUnixTimeMilliseconds() * 1000, directory);
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
            Keep(report);
            _pending.AddLast(report);
            while (_pending.Count > Capacity && (Oldest(AgentMessage.BodyOneofCase.Inventory) ?? Oldest(AgentMessage.BodyOneofCase.Progress)) is { } drop)
            {
                _pending.Remove(drop);
                Forget(drop.Value);
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
                Forget(first.Value);
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

    /// <summary>Writes a progress report or result to its file: whole, under a temporary name, then renamed into place.</summary>
    private void Keep(AgentMessage report)
    {
        if (_directory is null || report.BodyCase == AgentMessage.BodyOneofCase.Inventory)
        {
            return;
        }

        var path = PathOf(report);
        File.WriteAllBytes(path + ".tmp", report.ToByteArray());
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private void Forget(AgentMessage report)
    {
        if (_directory is not null && report.BodyCase != AgentMessage.BodyOneofCase.Inventory)
        {
            File.Delete(PathOf(report));
        }
    }

    // Zero-padded, so the files' names sort as their numbers do.
    private string PathOf(AgentMessage report) =>
        Path.Combine(_directory!, report.Sequence.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + Extension);

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
