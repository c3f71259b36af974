using System.Linq.Expressions;
using System.Runtime.CompilerServices;
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

    public async Task<IReadOnlyList<AssetCustody>> HostHardwareAsync(string? hostId, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var assets = await (hostId is null ? allHostAssets(db) : hostAssets(db, hostId)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var lists = await db.Database.SqlQuery<EventList>(HostEvents(db.Database.IsNpgsql(), hostId)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var events = lists.ToDictionary(l => l.AssetId, l => ParseEvents(l.AssetId, l.Events), StringComparer.Ordinal);
        return [.. assets.Select(ToDomain).Select(a => new AssetCustody(a.Asset, events.TryGetValue(a.Asset.Id, out var e) ? e : [], a.CreatedAt))];
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

    // Rows projected straight into the domain record: no entity per row.
    private static readonly Expression<Func<CustodyEventRow, CustodyEvent>> EventOf = r => new CustodyEvent(
        r.AssetId, r.Sequence, (CustodyEventKind)r.Kind, r.Actor, r.Counterparty, r.DocumentHash, r.Passed, r.SiteId, r.HostId,
        DateTimeOffset.FromUnixTimeMilliseconds(r.RecordedAtMs), new ChainRecord(r.ChainTransaction, r.ChainBlock));

    // Compiled once per store: a provenance request asks these every time, and an uncompiled query pays EF's expression
    // work (parameter extraction, query cache lookup, reflection) on each execution. Not static: a compiled query serves
    // one model, and each provider's context has its own. A host's hardware is the server naming it and its components;
    // all hosts' is every server naming a host and their components (placement's verdicts).
    private readonly Func<SankofaDbContext, IAsyncEnumerable<AssetRow>> allHostAssets = EF.CompileAsyncQuery(
        (SankofaDbContext db) => db.Set<AssetRow>().AsNoTracking()
            .Where(a => a.HostId != null || db.Set<AssetRow>().Where(s => s.HostId != null).Select(s => s.Id).Contains(a.ServerId!)));

    private readonly Func<SankofaDbContext, string, IAsyncEnumerable<AssetRow>> hostAssets = EF.CompileAsyncQuery(
        (SankofaDbContext db, string hostId) => db.Set<AssetRow>().AsNoTracking()
            .Where(a => a.HostId == hostId || db.Set<AssetRow>().Where(s => s.HostId == hostId).Select(s => s.Id).Contains(a.ServerId!)));

    // A host's events are aggregated by the database: one row per asset holding its events as a JSON array of arrays in
    // sequence order, parsed here. Read as rows, the 630 events of a provenance request (21 assets x 30) cost SQLite's
    // ADO.NET provider two native calls per column per row (a type check, then the value), the largest part of the
    // request; aggregated, they are 21 rows of two columns. The host is the only parameter, in subqueries (as in
    // hostAssets), so the SQL never varies with the number of assets. Each array holds ParseEvents' fields in its order:
    // the document hash in hex; passed is 0/1 in SQLite and a JSON boolean in PostgreSQL.
    private static FormattableString HostEvents(bool postgres, string? hostId)
    {
        var aggregate = postgres
            ? """
              convert_to(json_agg(json_build_array(e.sequence, e.kind, e.actor, e.counterparty, encode(e.document_hash, 'hex'), e.passed, e.site_id,
                  e.host_id, e.recorded_at_ms, e.chain_transaction, e.chain_block) ORDER BY e.sequence)::text, 'UTF8')
              """
            : """
              CAST(json_group_array(json_array(e.sequence, e.kind, e.actor, e.counterparty, hex(e.document_hash), e.passed, e.site_id,
                  e.host_id, e.recorded_at_ms, e.chain_transaction, e.chain_block) ORDER BY e.sequence) AS BLOB)
              """;
        var hosts = hostId is null ? "IS NOT NULL" : "= {0}";
        return FormattableStringFactory.Create(
            $"""
             SELECT e.asset_id AS "AssetId", {aggregate} AS "Events"
             FROM custody_events AS e
             WHERE e.asset_id IN (SELECT a.id FROM assets AS a WHERE a.host_id {hosts} OR a.server_id IN (SELECT s.id FROM assets AS s WHERE s.host_id {hosts}))
             GROUP BY e.asset_id
             """, hostId);
    }

    /// <summary>One asset's events as the aggregated query answers them: a JSON array of arrays, UTF-8.</summary>
    private sealed record EventList(string AssetId, byte[] Events);

    private static List<CustodyEvent> ParseEvents(string assetId, byte[] json)
    {
        var events = new List<CustodyEvent>();
        var reader = new Utf8JsonReader(json);
        Expect(ref reader, JsonTokenType.StartArray);
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            var sequence = Long(ref reader);
            var kind = (CustodyEventKind)Long(ref reader);
            var actor = Text(ref reader)!;
            var counterparty = Text(ref reader);
            var documentHash = Convert.FromHexString(Text(ref reader)!);
            reader.Read();
            bool? passed = reader.TokenType switch
            {
                JsonTokenType.Null => null,
                JsonTokenType.True => true,
                JsonTokenType.False => false,
                _ => reader.GetInt64() != 0,
            };
            var siteId = Text(ref reader);
            var hostId = Text(ref reader);
            var recordedAt = DateTimeOffset.FromUnixTimeMilliseconds(Long(ref reader));
            var chain = new ChainRecord(Text(ref reader)!, Long(ref reader));
            Expect(ref reader, JsonTokenType.EndArray);
            events.Add(new CustodyEvent(assetId, sequence, kind, actor, counterparty, documentHash, passed, siteId, hostId, recordedAt, chain));
        }

        return events;

        static long Long(ref Utf8JsonReader reader)
        {
            reader.Read();
            return reader.GetInt64();
        }

        static string? Text(ref Utf8JsonReader reader)
        {
            reader.Read();
            return reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
        }

        void Expect(ref Utf8JsonReader reader, JsonTokenType token)
        {
            if (!reader.Read() || reader.TokenType != token)
            {
                throw new InvalidOperationException($"The custody events of asset {assetId} are not the JSON the store aggregates (at byte {reader.TokenStartIndex}).");
            }
        }
    }
}
