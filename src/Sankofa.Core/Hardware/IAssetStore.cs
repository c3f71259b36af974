using Sankofa.Core.Audit;

namespace Sankofa.Core.Hardware;

/// <summary>An asset as stored: the asset and when it was added.</summary>
/// <param name="Asset">The asset.</param>
/// <param name="CreatedAt">When it was added.</param>
/// <param name="Sequence">Store order, the paging cursor.</param>
public sealed record StoredAsset(Asset Asset, DateTimeOffset CreatedAt, long Sequence);

/// <summary>A page of assets and the cursor of the next one (null on the last page).</summary>
/// <param name="Items">The assets, in store order.</param>
/// <param name="Next">Pass as <c>after</c> for the next page.</param>
public sealed record AssetPage(IReadOnlyList<StoredAsset> Items, long? Next);

/// <summary>An off-chain custody document, stored by its SHA-256.</summary>
/// <param name="Hash">SHA-256 of <paramref name="Content"/>.</param>
/// <param name="ContentType">Its media type as uploaded.</param>
/// <param name="Content">The bytes.</param>
public sealed record CustodyDocument(byte[] Hash, string ContentType, byte[] Content);

/// <summary>Where hardware assets, their custody events and documents are kept.</summary>
public interface IAssetStore
{
    /// <summary>Adds an asset with its audit entry; another with its id is a <see cref="StoreConflictException"/>.</summary>
    Task<StoredAsset> AddAsync(Asset asset, DateTimeOffset createdAt, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>One asset, or null.</summary>
    Task<StoredAsset?> GetAsync(string assetId, CancellationToken cancellationToken);

    /// <summary>Assets after the cursor, in store order.</summary>
    Task<AssetPage> ListAsync(long? after, int limit, CancellationToken cancellationToken);

    /// <summary>An asset's custody events, in sequence order.</summary>
    Task<IReadOnlyList<CustodyEvent>> EventsAsync(string assetId, CancellationToken cancellationToken);

    /// <summary>Adds a custody event the chain accepted, with its audit entry; one with its asset and sequence already stored is a <see cref="StoreConflictException"/>.</summary>
    Task AddEventAsync(CustodyEvent custodyEvent, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>
    /// The hardware of a host: every server naming <paramref name="hostId"/> (every server naming any host when null)
    /// and every component of those servers, each with its events in sequence order.
    /// </summary>
    Task<IReadOnlyList<AssetCustody>> HostHardwareAsync(string? hostId, CancellationToken cancellationToken);

    /// <summary>
    /// A number that grows with every asset and custody event stored, by any server sharing this store, so a verdict
    /// computed at one version is known to be current while the version has not moved.
    /// </summary>
    Task<long> CustodyVersionAsync(CancellationToken cancellationToken);

    /// <summary>Stores a document; the same bytes again are a no-op.</summary>
    Task PutDocumentAsync(CustodyDocument document, CancellationToken cancellationToken);

    /// <summary>A document by its SHA-256, or null.</summary>
    Task<CustodyDocument?> GetDocumentAsync(byte[] hash, CancellationToken cancellationToken);
}
