using Sankofa.Core.Audit;
using Sankofa.Core.Hardware;

namespace Sankofa.Core.Tests.Fakes;

/// <summary>
/// An in-memory <see cref="IAssetStore"/> for Core's fast tests: its custody version moves with every asset and event
/// added, as the real store's does in the same transaction; it counts how often the fleet's hardware is read.
/// </summary>
internal sealed class FakeAssetStore : IAssetStore
{
    private readonly Lock _gate = new();
    private readonly List<StoredAsset> _assets = [];
    private readonly List<CustodyEvent> _events = [];
    private long _version;

    /// <summary>Adds an asset with its custody events at once (a fixture's shortcut past the service's rules).</summary>
    public void Add(Asset asset, params CustodyEvent[] events)
    {
        AddAsync(asset, DateTimeOffset.UnixEpoch, null!, CancellationToken.None);
        foreach (var e in events)
        {
            AddEventAsync(e, null!, CancellationToken.None);
        }
    }

    /// <summary>How many times <see cref="HostHardwareAsync"/> was asked.</summary>
    public int HardwareReads { get; private set; }

    public Task<StoredAsset> AddAsync(Asset asset, DateTimeOffset createdAt, AuditEvent audit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var stored = new StoredAsset(asset, createdAt, _assets.Count + 1);
            _assets.Add(stored);
            _version++;
            return Task.FromResult(stored);
        }
    }

    public Task<StoredAsset?> GetAsync(string assetId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_assets.FirstOrDefault(a => a.Asset.Id == assetId));
        }
    }

    public Task<AssetPage> ListAsync(long? after, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var rows = _assets.Where(a => a.Sequence > (after ?? 0)).Take(limit + 1).ToList();
            var items = rows.Take(limit).ToList();
            return Task.FromResult(new AssetPage(items, rows.Count > limit ? items[^1].Sequence : null));
        }
    }

    public Task<IReadOnlyList<CustodyEvent>> EventsAsync(string assetId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<CustodyEvent>>([.. _events.Where(e => e.AssetId == assetId).OrderBy(e => e.Sequence)]);
        }
    }

    public Task AddEventAsync(CustodyEvent custodyEvent, AuditEvent audit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _events.Add(custodyEvent);
            _version++;
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<AssetCustody>> HostHardwareAsync(string? hostId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            HardwareReads++;
            var servers = _assets.Where(a => a.Asset.HostId is { } h && (hostId is null || hostId == h)).Select(a => a.Asset.Id).ToHashSet();
            return Task.FromResult<IReadOnlyList<AssetCustody>>(
            [
                .. _assets.Where(a => servers.Contains(a.Asset.Id) || (a.Asset.ServerId is { } s && servers.Contains(s)))
                    .Select(a => new AssetCustody(a.Asset, [.. _events.Where(e => e.AssetId == a.Asset.Id).OrderBy(e => e.Sequence)], a.CreatedAt)),
            ]);
        }
    }

    public Task<long> CustodyVersionAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_version);
        }
    }

    public Task PutDocumentAsync(CustodyDocument document, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<CustodyDocument?> GetDocumentAsync(byte[] hash, CancellationToken cancellationToken) => Task.FromResult<CustodyDocument?>(null);
}
