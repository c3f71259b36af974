namespace Sankofa.Core.Hardware;

/// <summary>
/// Every host's custody verdict, kept between placements: placement with <c>requireVerifiedHardware</c> asks about every
/// host of the catalog, and reading the fleet's hardware and custody events for each request costs a scan of the asset
/// tables. The verdicts are recomputed only when the store's custody version (<see cref="IAssetStore.CustodyVersionAsync"/>)
/// has moved — any asset or custody event stored by any server — so a new event is seen by the next placement, on
/// every replica, at the cost of one single-row read per placement while custody stands still.
/// </summary>
public sealed class HostCustodyVerdicts(IAssetStore store)
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Snapshot? _current;
    private long _recomputations;

    /// <summary>How many times the verdicts were recomputed from the store (for tests and metrics, not for decisions).</summary>
    public long Recomputations => Interlocked.Read(ref _recomputations);

    /// <summary>
    /// The gaps of each host named, as of the store's current custody version; empty for a verified host, and
    /// <see cref="CustodyGapKind.NoHardware"/> for a host no server asset becomes.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<CustodyGap>>> GapsAsync(IReadOnlyCollection<string> hostIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hostIds);
        var snapshot = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        var answer = new Dictionary<string, IReadOnlyList<CustodyGap>>(StringComparer.Ordinal);
        foreach (var host in hostIds)
        {
            answer[host] = snapshot.Gaps.TryGetValue(host, out var gaps) ? gaps : CustodyRules.CheckHost(host, []);
        }

        return answer;
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var version = await store.CustodyVersionAsync(cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref _current) is { } current && current.Version == version)
        {
            return current;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have recomputed while this one waited.
            if (_current is { } fresh && fresh.Version >= version)
            {
                return fresh;
            }

            // The version is read before the hardware: a write landing in between makes the next call recompute again,
            // never leaves a stale verdict under a current version.
            var hardware = await store.HostHardwareAsync(null, cancellationToken).ConfigureAwait(false);
            var servers = hardware.Where(h => h.Asset.HostId is not null).ToLookup(h => h.Asset.HostId!, StringComparer.Ordinal);
            var components = hardware.Where(h => h.Asset.ServerId is not null).ToLookup(h => h.Asset.ServerId!, StringComparer.Ordinal);
            var gaps = servers.ToDictionary(
                s => s.Key, s => CustodyRules.CheckHost(s.Key, [.. s, .. s.SelectMany(server => components[server.Asset.Id])]), StringComparer.Ordinal);
            var snapshot = new Snapshot(version, gaps);
            Volatile.Write(ref _current, snapshot);
            Interlocked.Increment(ref _recomputations);
            return snapshot;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private sealed record Snapshot(long Version, IReadOnlyDictionary<string, IReadOnlyList<CustodyGap>> Gaps);
}
