using System.Collections.Concurrent;

namespace Sankofa.Proxmox.Api;

/// <summary>
/// How long worker tasks of each type (<c>qmclone</c>, <c>qmstart</c>, …) took lately on one cluster, so a wait asks
/// for a task's status about when it ends instead of every poll interval from its start (a clone of two seconds polled
/// every 250 ms cost eight status requests; now mostly one).
/// </summary>
internal sealed class TaskDurations
{
    // One task that ran for minutes must not make the next waits of its type that long.
    private const int MaxPollIntervals = 16;

    private readonly ConcurrentDictionary<string, long> _ticks = new(StringComparer.Ordinal);

    /// <summary>How long to wait before the first status request: the type's estimate, at least one poll interval and at most sixteen.</summary>
    public TimeSpan FirstWait(string type, TimeSpan pollInterval) =>
        _ticks.TryGetValue(type, out var ticks) && ticks > pollInterval.Ticks
            ? TimeSpan.FromTicks(Math.Min(ticks, pollInterval.Ticks * MaxPollIntervals))
            : pollInterval;

    /// <summary>
    /// Learns from a finished wait. Seen finished at the first request, the task may have ended well before: the next
    /// first wait is a tenth shorter, so the estimate follows tasks that get faster. Seen later, it ended no later than
    /// that: the next first wait is as long.
    /// </summary>
    public void Observe(string type, TimeSpan elapsed, bool firstPoll) =>
        _ticks[type] = firstPoll ? elapsed.Ticks * 9 / 10 : elapsed.Ticks;
}
