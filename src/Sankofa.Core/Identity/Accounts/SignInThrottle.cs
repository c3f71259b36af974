namespace Sankofa.Core.Identity.Accounts;

/// <summary>
/// Counts failed sign-ins per user name, in memory: after <see cref="AccountOptions.FailureLimit"/> failures within
/// <see cref="AccountOptions.FailureWindow"/> the name is throttled, each further failure doubling the wait up to
/// <see cref="AccountOptions.MaxThrottleDelay"/>. Unknown names are counted the same way, so the answers do not tell
/// which names exist. Each server counts on its own; a restart forgets, which costs an attacker nothing he could not
/// get by waiting out the window.
/// </summary>
public sealed class SignInThrottle
{
    // Enough for any real population of names being tried; past it the oldest quiet entries are dropped first.
    private const int MaxEntries = 100_000;

    /// <summary>The wait answered while every remaining try is being checked: about one password hash.</summary>
    private static readonly TimeSpan PendingWait = TimeSpan.FromSeconds(1);

    private readonly AccountOptions options;
    private readonly TimeProvider time;
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Creates the throttle.</summary>
    public SignInThrottle(AccountOptions options, TimeProvider time)
    {
        this.options = options ?? throw new ArgumentNullException(nameof(options));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>How long until the name may try again, or null when it may now.</summary>
    public TimeSpan? RetryAfter(string name)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            return entries.TryGetValue(Key(name), out var e) && e.LockedUntil > now ? e.LockedUntil - now : null;
        }
    }

    /// <summary>
    /// Starts a password check: null when it may go ahead (it then counts as pending until <see cref="Failed"/>,
    /// <see cref="Succeeded"/> or <see cref="Abandoned"/>), else how long to wait. Pending checks count against the
    /// limit, so guesses sent in parallel get no more tries than guesses sent one after another.
    /// </summary>
    public TimeSpan? Begin(string name)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            var e = Current(Key(name), now);
            if (e.LockedUntil > now)
            {
                return e.LockedUntil - now;
            }

            // Under the limit the tries left may run at once; past it (after a wait) one at a time.
            if (e.Pending >= Math.Max(options.FailureLimit - e.Failures, 1))
            {
                // The tries left are all being checked now; their outcome decides what comes next.
                return PendingWait;
            }

            e.Pending++;
            return null;
        }
    }

    /// <summary>Counts a failure; returns the wait it imposes, or null while under the limit.</summary>
    public TimeSpan? Failed(string name)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            var e = Current(Key(name), now);
            e.Pending = Math.Max(0, e.Pending - 1);
            e.Failures++;
            if (e.Failures < options.FailureLimit)
            {
                return null;
            }

            var doublings = Math.Min(e.Failures - options.FailureLimit, 30);
            var delay = TimeSpan.FromTicks(Math.Min(options.ThrottleDelay.Ticks * (1L << doublings), options.MaxThrottleDelay.Ticks));
            e.LockedUntil = now + delay;
            return delay;
        }
    }

    /// <summary>Forgets the name's failures after a right password.</summary>
    public void Succeeded(string name)
    {
        lock (gate)
        {
            entries.Remove(Key(name));
        }
    }

    /// <summary>A check begun with <see cref="Begin"/> ended without an answer (an error): it no longer counts as pending.</summary>
    public void Abandoned(string name)
    {
        lock (gate)
        {
            if (entries.TryGetValue(Key(name), out var e))
            {
                e.Pending = Math.Max(0, e.Pending - 1);
            }
        }
    }

    /// <summary>The name's entry, started afresh when its window (or its last wait) is long past; pending checks carry over.</summary>
    private Entry Current(string key, DateTimeOffset now)
    {
        if (!entries.TryGetValue(key, out var e))
        {
            if (entries.Count >= MaxEntries)
            {
                Prune(now);
            }

            e = new Entry { WindowStart = now };
            entries[key] = e;
        }
        else if ((e.Failures < options.FailureLimit && now - e.WindowStart > options.FailureWindow)
                 || (e.Failures >= options.FailureLimit && now - e.LockedUntil > options.FailureWindow))
        {
            e.WindowStart = now;
            e.Failures = 0;
            e.LockedUntil = DateTimeOffset.MinValue;
        }

        return e;
    }

    private static string Key(string name) => name.Trim().ToLowerInvariant();

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, e) in entries.Where(p => p.Value.Pending == 0 && p.Value.LockedUntil < now && now - p.Value.WindowStart > options.FailureWindow).ToList())
        {
            entries.Remove(key);
        }

        if (entries.Count >= MaxEntries)
        {
            // Still full of live entries: drop the oldest half rather than grow without bound.
            foreach (var key in entries.OrderBy(p => p.Value.WindowStart).Take(entries.Count / 2).Select(p => p.Key).ToList())
            {
                entries.Remove(key);
            }
        }
    }

    private sealed class Entry
    {
        public DateTimeOffset WindowStart { get; set; }

        public int Failures { get; set; }

        public DateTimeOffset LockedUntil { get; set; } = DateTimeOffset.MinValue;

        public int Pending { get; set; }
    }
}
