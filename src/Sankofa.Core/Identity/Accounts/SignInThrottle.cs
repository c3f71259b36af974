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

    /// <summary>Counts a failure; returns the wait it imposes, or null while under the limit.</summary>
    public TimeSpan? Failed(string name)
    {
        var now = time.GetUtcNow();
        var key = Key(name);
        lock (gate)
        {
            if (!entries.TryGetValue(key, out var e)
                || (e.Failures < options.FailureLimit && now - e.WindowStart > options.FailureWindow)
                || (e.Failures >= options.FailureLimit && now - e.LockedUntil > options.FailureWindow))
            {
                if (entries.Count >= MaxEntries)
                {
                    Prune(now);
                }

                e = new Entry { WindowStart = now };
                entries[key] = e;
            }

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

    /// <summary>A right password: the name's failures are forgotten.</summary>
    public void Succeeded(string name)
    {
        lock (gate)
        {
            entries.Remove(Key(name));
        }
    }

    private static string Key(string name) => name.Trim().ToLowerInvariant();

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, e) in entries.Where(p => p.Value.LockedUntil < now && now - p.Value.WindowStart > options.FailureWindow).ToList())
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
    }
}
