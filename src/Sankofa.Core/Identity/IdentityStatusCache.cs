using System.Collections.Concurrent;
using Sankofa.Core.Ledger;

namespace Sankofa.Core.Identity;

/// <summary>Settings of the chain status check (configuration section <c>Auth</c>).</summary>
public sealed class IdentityStatusOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Auth";

    /// <summary>
    /// How often the statuses of every identity seen lately are read again from the chain, all in one call. A revocation
    /// through any control plane sharing the chain is seen within about this long. Default 1 second.
    /// </summary>
    public TimeSpan StatusRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Oldest status an API call may be answered with. Past it (the chain could not be read meanwhile) the chain is asked
    /// during the call, and when it cannot answer the call is refused: access is granted only while the chain says
    /// active, so an unreadable chain must not keep a revoked identity in. Default 3 seconds (with the refresh, a
    /// revocation always takes effect within 5).
    /// </summary>
    public TimeSpan StatusMaxAge { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Identities not seen for this long are no longer refreshed. Default 10 minutes.</summary>
    public TimeSpan StatusIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// While the chain cannot be read at all, how long the last status read from it still answers. An unreachable chain
    /// must not stop every API call (accepted work is kept and recorded once the chain is back), and a revocation made
    /// meanwhile can reach no other control plane through the chain either; past this the call is refused. Default 5 minutes.
    /// </summary>
    public TimeSpan StatusOutageGrace { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// <see cref="IIdentityStatusCheck"/> over the IdentityRegistry: a call reads memory, and a host calls
/// <see cref="RefreshAsync"/> every <see cref="IdentityStatusOptions.StatusRefreshInterval"/> to read the statuses of
/// every identity seen lately in one chain call. An identity not seen before, or whose status is older than
/// <see cref="IdentityStatusOptions.StatusMaxAge"/>, is read from the chain during the call (concurrent calls for the
/// same identity share the read).
/// </summary>
public sealed class IdentityStatusCache : IIdentityStatusCheck
{
    private readonly IIdentityLedger _ledger;
    private readonly TimeProvider _time;
    private readonly IdentityStatusOptions _options;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<IdentityStatus>> _reading = new(StringComparer.Ordinal);

    // Suspensions and revocations made through this control plane, in force here before the chain has recorded them.
    private readonly ConcurrentDictionary<string, IdentityStatus> _pinned = new(StringComparer.Ordinal);

    /// <summary>Creates the cache; nothing is read until asked.</summary>
    public IdentityStatusCache(IIdentityLedger ledger, TimeProvider time, IdentityStatusOptions options)
    {
        _ledger = ledger;
        _time = time;
        _options = options;
    }

    /// <inheritdoc />
    public ValueTask<IdentityStatus> GetStatusAsync(string identityId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identityId);
        if (_pinned.TryGetValue(identityId, out var pinned))
        {
            return ValueTask.FromResult(pinned);
        }

        var now = _time.GetTimestamp();
        if (_entries.TryGetValue(identityId, out var entry) && _time.GetElapsedTime(entry.CheckedAt, now) <= _options.StatusMaxAge)
        {
            entry.LastUsed = now;
            return ValueTask.FromResult(entry.Status);
        }

        return new ValueTask<IdentityStatus>(ReadOrLastKnownAsync(identityId, entry, now, cancellationToken));
    }

    private async Task<IdentityStatus> ReadOrLastKnownAsync(string identityId, Entry? known, long now, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(identityId).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerUnavailableException) when (known is not null && _time.GetElapsedTime(known.CheckedAt, now) <= _options.StatusOutageGrace)
        {
            known.LastUsed = now;
            return known.Status;
        }
    }

    /// <summary>
    /// Reads again, in one chain call, the statuses of every identity used within <see cref="IdentityStatusOptions.StatusIdleTimeout"/>
    /// and forgets the others. A failure leaves the statuses as they were (they age towards <see cref="IdentityStatusOptions.StatusMaxAge"/>).
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        foreach (var (id, entry) in _entries)
        {
            if (_time.GetElapsedTime(entry.LastUsed, now) > _options.StatusIdleTimeout)
            {
                _entries.TryRemove(id, out _);
            }
        }

        if (_entries.IsEmpty)
        {
            return;
        }

        var statuses = await _ledger.GetStatusesAsync([.. _entries.Keys], cancellationToken).ConfigureAwait(false);
        foreach (var (id, status) in statuses)
        {
            Remember(id, status, now);
        }
    }

    /// <summary>
    /// A status change made through this control plane and queued for the chain. A suspension or revocation takes
    /// effect here at once and stays in force until the chain says the same (the chain's own answer would lag by the
    /// outbox and a block); a reinstatement waits for the chain, so nothing is let in on this server's word alone.
    /// </summary>
    public void Changed(string identityId, IdentityStatus status)
    {
        if (status is IdentityStatus.Suspended or IdentityStatus.Revoked)
        {
            _pinned[identityId] = status;
        }
        else
        {
            _pinned.TryRemove(identityId, out _);
            _entries.TryRemove(identityId, out _);
        }
    }

    /// <summary>
    /// Signals from other replicas may have been missed: forgets every status read from the chain (the next call reads it
    /// again) and replaces the pinned suspensions and revocations with <paramref name="pending"/>, those the store holds
    /// and the chain has not recorded yet. A reinstatement made elsewhere meanwhile is not kept out by a stale pin.
    /// </summary>
    public void Resynchronize(IReadOnlyDictionary<string, IdentityStatus> pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        foreach (var (id, status) in pending)
        {
            _pinned[id] = status;
        }

        foreach (var id in _pinned.Keys.Where(id => !pending.ContainsKey(id)))
        {
            _pinned.TryRemove(id, out _);
        }

        _entries.Clear();
    }

    // Not the caller's token: callers sharing the read must not see it fail because the first one gave up.
    private Task<IdentityStatus> ReadAsync(string identityId) =>
        _reading.GetOrAdd(identityId, static (id, self) => self.ReadOnceAsync(id), this);

    private async Task<IdentityStatus> ReadOnceAsync(string identityId)
    {
        // Never finish synchronously: the removal in finally must run after GetOrAdd stored this task, or a read that
        // failed at once (ledger not started) would stay in _reading and answer every later call with its failure.
        await Task.Yield();
        try
        {
            var asked = _time.GetTimestamp();
            var statuses = await _ledger.GetStatusesAsync([identityId], CancellationToken.None).ConfigureAwait(false);
            var status = statuses.TryGetValue(identityId, out var s) ? s : IdentityStatus.None;
            Remember(identityId, status, asked);
            return status;
        }
        catch (Exception ex) when (ex is not LedgerUnavailableException and not OperationCanceledException)
        {
            throw new LedgerUnavailableException($"The identity's status could not be read from the chain: {ex.Message}", ex);
        }
        finally
        {
            _reading.TryRemove(identityId, out _);
        }
    }

    private void Remember(string identityId, IdentityStatus status, long checkedAt)
    {
        if (_pinned.TryGetValue(identityId, out var pinned) && (status == pinned || status == IdentityStatus.Revoked))
        {
            _pinned.TryRemove(identityId, out _);
        }

        var entry = _entries.GetOrAdd(identityId, static (_, at) => new Entry { LastUsed = at }, checkedAt);
        entry.Status = status;
        entry.CheckedAt = checkedAt;
    }

    private sealed class Entry
    {
        public volatile IdentityStatus Status;
        public long CheckedAt;
        public long LastUsed;
    }
}
