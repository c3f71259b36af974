using System.Linq.Expressions;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sankofa.Core.Audit;
using Sankofa.Core.Hardware;
using Sankofa.Data.Audit;

namespace Sankofa.Data.Hardware;

/// <summary>EF Core implementation of <see cref="IAssetStore"/> for SQLite and PostgreSQL.</summary>
internal sealed class AssetStore(IStoreContextFactory contexts, TimeProvider time) : IAssetStore
{
    public async Task<StoredAsset> AddAsync(Asset asset, DateTimeOffset createdAt, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var row = new AssetRow
        {
            Id = asset.Id, Kind = (int)asset.Kind, Manufacturer = asset.Manufacturer, Model = asset.Model, Serial = asset.Serial,
            Firmware = JsonSerializer.Serialize(asset.Firmware), ServerId = asset.ServerId, HostId = asset.HostId, CreatedAtMs = createdAt.ToUnixTimeMilliseconds(),
        };
        await AuditedWrite.RunAsync(contexts, time, audit, async db =>
        {
            db.Set<AssetRow>().Add(row);
            await BumpVersionAsync(db, cancellationToken).ConfigureAwait(false);
            return true;
        }, $"Asset {asset.Id}", cancellationToken).ConfigureAwait(false);
        return ToDomain(row);
    }

    public async Task<StoredAsset?> GetAsync(string assetId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.Set<AssetRow>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDomain(row);
    }

    public async Task<AssetPage> ListAsync(long? after, int limit, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var from = after ?? 0;
        var rows = await db.Set<AssetRow>().AsNoTracking().Where(a => a.Sequence > from).OrderBy(a => a.Sequence).Take(limit + 1)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var items = rows.Take(limit).Select(ToDomain).ToList();
        return new AssetPage(items, rows.Count > limit ? items[^1].Sequence : null);
    }

    public async Task<IReadOnlyList<CustodyEvent>> EventsAsync(string assetId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        return await db.Set<CustodyEventRow>().AsNoTracking().Where(e => e.AssetId == assetId).OrderBy(e => e.Sequence).Select(EventOf).ToListAsync(cancellationToken)
            .ConfigureAwait(false);
    }

    public Task AddEventAsync(CustodyEvent custodyEvent, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(custodyEvent);
        var row = new CustodyEventRow
        {
            AssetId = custodyEvent.AssetId, Sequence = custodyEvent.Sequence, Kind = (int)custodyEvent.Kind, Actor = custodyEvent.Actor, Counterparty = custodyEvent.Counterparty,
            DocumentHash = custodyEvent.DocumentHash, Passed = custodyEvent.Passed, SiteId = custodyEvent.SiteId, HostId = custodyEvent.HostId,
            RecordedAtMs = custodyEvent.RecordedAt.ToUnixTimeMilliseconds(), ChainTransaction = custodyEvent.Chain.TransactionHash, ChainBlock = custodyEvent.Chain.BlockNumber,
        };
        return AuditedWrite.RunAsync(contexts, time, audit, async db =>
        {
            db.Set<CustodyEventRow>().Add(row);
            await BumpVersionAsync(db, cancellationToken).ConfigureAwait(false);
            return true;
        }, $"Custody event #{custodyEvent.Sequence} of asset {custodyEvent.AssetId}", cancellationToken);
    }

    public async Task<IReadOnlyList<AssetCustody>> HostHardwareAsync(IReadOnlyCollection<string>? hostIds, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        List<AssetRow> assets;
        IAsyncEnumerable<CustodyEvent> events;
        if (hostIds is { Count: 1 })
        {
            // One host is what every provenance request asks: two compiled queries keyed by the host alone.
            var hostId = hostIds.First();
            assets = await hostAssets(db, hostId).ToListAsync(cancellationToken).ConfigureAwait(false);
            events = hostEvents(db, hostId);
        }
        else
        {
            var servers = db.Set<AssetRow>().AsNoTracking().Where(a => a.HostId != null);
            if (hostIds is not null)
            {
                var hosts = hostIds.ToList();
                servers = servers.Where(a => hosts.Contains(a.HostId!));
            }

            var serverRows = await servers.ToListAsync(cancellationToken).ConfigureAwait(false);
            var serverIds = serverRows.Select(s => s.Id).ToList();
            var components = await db.Set<AssetRow>().AsNoTracking().Where(a => a.ServerId != null && serverIds.Contains(a.ServerId)).ToListAsync(cancellationToken)
                .ConfigureAwait(false);
            assets = [.. serverRows, .. components];
            var ids = assets.Select(a => a.Id).ToList();
            events = db.Set<CustodyEventRow>().AsNoTracking().Where(e => ids.Contains(e.AssetId)).OrderBy(e => e.AssetId).ThenBy(e => e.Sequence).Select(EventOf)
                .AsAsyncEnumerable();
        }

        // In primary-key order (asset, sequence): each asset's events arrive in sequence order and are appended as read.
        var byAsset = new Dictionary<string, List<CustodyEvent>>(assets.Count, StringComparer.Ordinal);
        await foreach (var e in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            (CollectionsMarshal.GetValueRefOrAddDefault(byAsset, e.AssetId, out _) ??= []).Add(e);
        }

        return [.. assets.Select(a => new AssetCustody(ToDomain(a).Asset, byAsset.TryGetValue(a.Id, out var e) ? e : []))];
    }

    public async Task<long> CustodyVersionAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        return await db.Set<CustodyVersionRow>().AsNoTracking().Where(v => v.Id == 1).Select(v => v.Version).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    // In the write's transaction: a rolled-back write leaves the version alone, a committed one is seen with its row.
    private static Task<int> BumpVersionAsync(SankofaDbContext db, CancellationToken cancellationToken) =>
        db.Set<CustodyVersionRow>().Where(v => v.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(v => v.Version, v => v.Version + 1), cancellationToken);

    public Task PutDocumentAsync(CustodyDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        return AuditedWrite.RunAsync(contexts, time, null, async db =>
        {
            // Content-addressed: the same bytes again are already there.
            if (await db.Set<CustodyDocumentRow>().AnyAsync(d => d.Hash == document.Hash, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            db.Set<CustodyDocumentRow>().Add(new CustodyDocumentRow
            {
                Hash = document.Hash, ContentType = document.ContentType, Content = document.Content, StoredAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            });
            return true;
        }, "Custody document", cancellationToken);
    }

    public async Task<CustodyDocument?> GetDocumentAsync(byte[] hash, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.Set<CustodyDocumentRow>().AsNoTracking().FirstOrDefaultAsync(d => d.Hash == hash, cancellationToken).ConfigureAwait(false);
        return row is null ? null : new CustodyDocument(row.Hash, row.ContentType, row.Content);
    }

    private static StoredAsset ToDomain(AssetRow r) => new(
        new Asset(r.Id, (AssetKind)r.Kind, r.Manufacturer, r.Model, r.Serial, JsonSerializer.Deserialize<List<FirmwareVersion>>(r.Firmware) ?? [], r.ServerId, r.HostId),
        DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAtMs), r.Sequence);

    // Rows projected straight into the domain record: no entity per row, and the same mapping in every query.
    private static readonly Expression<Func<CustodyEventRow, CustodyEvent>> EventOf = r => new CustodyEvent(
        r.AssetId, r.Sequence, (CustodyEventKind)r.Kind, r.Actor, r.Counterparty, r.DocumentHash, r.Passed, r.SiteId, r.HostId,
        DateTimeOffset.FromUnixTimeMilliseconds(r.RecordedAtMs), new ChainRecord(r.ChainTransaction, r.ChainBlock));

    // Compiled once per store: a provenance request asks these every time, and an uncompiled query pays EF's expression
    // work (parameter extraction, query cache lookup, reflection) on each execution. Not static: a compiled query serves
    // one model, and each provider's context has its own. A host's hardware is the server naming it and its components.
    private readonly Func<SankofaDbContext, string, IAsyncEnumerable<AssetRow>> hostAssets = EF.CompileAsyncQuery(
        (SankofaDbContext db, string hostId) => db.Set<AssetRow>().AsNoTracking()
            .Where(a => a.HostId == hostId || db.Set<AssetRow>().Where(s => s.HostId == hostId).Select(s => s.Id).Contains(a.ServerId!)));

    // The same assets as hostAssets, in a subquery: the host is the only parameter, so the SQL never varies with the
    // number of assets (an id list would be expanded and looked up in EF's command cache per execution).
    private readonly Func<SankofaDbContext, string, IAsyncEnumerable<CustodyEvent>> hostEvents = EF.CompileAsyncQuery(
        (SankofaDbContext db, string hostId) => db.Set<CustodyEventRow>().AsNoTracking()
            .Where(e => db.Set<AssetRow>()
                .Where(a => a.HostId == hostId || db.Set<AssetRow>().Where(s => s.HostId == hostId).Select(s => s.Id).Contains(a.ServerId!))
                .Select(a => a.Id).Contains(e.AssetId))
            .OrderBy(e => e.AssetId).ThenBy(e => e.Sequence).Select(EventOf));
}
