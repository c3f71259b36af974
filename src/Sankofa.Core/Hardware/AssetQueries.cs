using Sankofa.Core.Access;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Hardware;

/// <summary>Where an asset stands in its custody, from its events.</summary>
public enum AssetStatus
{
    /// <summary>Added, but its supplier's registration is not on chain yet.</summary>
    Unregistered,

    /// <summary>Registered or handed on, and held by its custodian (not installed).</summary>
    Held,

    /// <summary>Installed at a site and host by its custodian.</summary>
    Installed,

    /// <summary>Decommissioned with a media-destruction certificate; nothing follows.</summary>
    Decommissioned,
}

/// <summary>What an asset list is narrowed to; every part is optional.</summary>
/// <param name="Kind">Servers, or one kind of component.</param>
/// <param name="SiteId">Assets meant for a host of this site (a component: its server's host).</param>
/// <param name="HostId">Assets meant for this host (a server naming it, and that server's components).</param>
/// <param name="Status">Custody status now.</param>
/// <param name="GapsOnly">Only assets whose custody the rules find a gap in (broken chain, failed inspection…).</param>
public sealed record AssetFilter(AssetKind? Kind = null, string? SiteId = null, string? HostId = null, AssetStatus? Status = null, bool GapsOnly = false);

/// <summary>One asset in a list: what it is, where it is meant to be, and how its custody stands.</summary>
/// <param name="Stored">The asset as stored.</param>
/// <param name="Status">Custody status now.</param>
/// <param name="Custodian">Who holds it (null before its registration).</param>
/// <param name="HostId">The host it is meant for: a server's own, a component's server's (null when that server is unknown).</param>
/// <param name="SiteId">That host's site.</param>
/// <param name="EventCount">Custody events on record.</param>
/// <param name="Gaps">What the custody rules find wrong (empty: whole).</param>
public sealed record AssetSummary(
    StoredAsset Stored, AssetStatus Status, string? Custodian, string? HostId, string? SiteId, int EventCount, IReadOnlyList<CustodyGap> Gaps);

/// <summary>A page of a filtered asset list.</summary>
/// <param name="Items">The assets that match, in store order.</param>
/// <param name="Next">Pass as <c>after</c> to continue (null: nothing more to look at).</param>
/// <param name="Scanned">How many assets were looked at for this page (at most <see cref="AssetQueries.MaxScan"/>).</param>
public sealed record AssetSummaryPage(IReadOnlyList<AssetSummary> Items, long? Next, int Scanned);

/// <summary>
/// The asset list with filters, for the portal (and any adapter): holders of assets.read see every asset (assets are
/// platform-wide). Filters are applied while reading the store in order, at most <see cref="MaxScan"/> assets per page,
/// so a rare match costs a bounded read and the page says where to continue.
/// </summary>
public sealed class AssetQueries(IAssetStore store, SiteCatalog catalog)
{
    /// <summary>The most assets looked at for one page.</summary>
    public const int MaxScan = 2000;

    private const int Chunk = 200;

    private readonly Lazy<Dictionary<string, string>> _hostSites = new(() =>
        catalog.Sites.SelectMany(s => s.Hosts.Select(h => (h.Id, Site: s.Id))).ToDictionary(x => x.Id, x => x.Site, StringComparer.Ordinal));

    /// <summary>Assets matching <paramref name="filter"/> after the cursor, up to <paramref name="limit"/> (default 25).</summary>
    public async Task<Result<AssetSummaryPage>> ListAsync(Caller caller, AssetFilter filter, long? after, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(filter);
        if (!caller.Can(Permission.AssetsRead, null))
        {
            return AccessErrors.Forbidden(Permission.AssetsRead);
        }

        var errors = new Dictionary<string, string[]>();
        if (after is < 0)
        {
            errors["after"] = ["Must be a cursor (the 'next' value of the previous page)."];
        }

        if (limit is < 1 or > HardwareService.MaxPage)
        {
            errors["limit"] = [$"Must be from 1 to {HardwareService.MaxPage}."];
        }

        if (filter.HostId is { } host && !_hostSites.Value.ContainsKey(host))
        {
            errors["hostId"] = [$"There is no host '{host}' in the catalog."];
        }

        if (filter.SiteId is { } site && catalog.Find(site) is null)
        {
            errors["siteId"] = [$"There is no site '{site}' in the catalog."];
        }

        if (errors.Count > 0)
        {
            return Error.Invalid(errors);
        }

        var want = limit ?? 25;
        var items = new List<AssetSummary>();
        var serverHosts = new Dictionary<string, string?>(StringComparer.Ordinal);
        var cursor = after;
        var scanned = 0;
        var more = true;
        while (more && items.Count < want && scanned < MaxScan)
        {
            var page = await store.ListAsync(cursor, Math.Min(Chunk, MaxScan - scanned), cancellationToken).ConfigureAwait(false);
            foreach (var stored in page.Items)
            {
                scanned++;
                cursor = stored.Sequence;
                if (await MatchAsync(stored, filter, serverHosts, cancellationToken).ConfigureAwait(false) is { } summary)
                {
                    items.Add(summary);
                    if (items.Count == want)
                    {
                        break;
                    }
                }
            }

            // Stopped inside a chunk (the page is full): more may follow in the store even when this chunk was its last.
            more = page.Next is not null || (items.Count == want && cursor != page.Items[^1].Sequence);
        }

        return Result<AssetSummaryPage>.Ok(new AssetSummaryPage(items, more ? cursor : null, scanned));
    }

    /// <summary>A server's components, each with its custody events (empty for a component or a server without any).</summary>
    public async Task<Result<IReadOnlyList<AssetCustody>>> ComponentsAsync(Caller caller, string serverId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Can(Permission.AssetsRead, null))
        {
            return AccessErrors.Forbidden(Permission.AssetsRead);
        }

        if (await store.GetAsync(serverId, cancellationToken).ConfigureAwait(false) is not { } server)
        {
            return Error.NotFound("id", $"There is no asset '{serverId}'.");
        }

        if (server.Asset.HostId is not { } host)
        {
            return Result<IReadOnlyList<AssetCustody>>.Ok([]);
        }

        // The host's hardware is the server(s) naming it and their components: the store reads it in two queries.
        var hardware = await store.HostHardwareAsync(host, cancellationToken).ConfigureAwait(false);
        return Result<IReadOnlyList<AssetCustody>>.Ok([.. hardware.Where(h => h.Asset.ServerId == serverId).OrderBy(h => h.Asset.Id, StringComparer.Ordinal)]);
    }

    /// <summary>Where an asset stands after these events (in sequence order).</summary>
    public static AssetStatus StatusAfter(IReadOnlyList<CustodyEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var status = AssetStatus.Unregistered;
        foreach (var e in events)
        {
            status = e.Kind switch
            {
                CustodyEventKind.Registration or CustodyEventKind.Transfer => AssetStatus.Held,
                CustodyEventKind.Installation => AssetStatus.Installed,
                CustodyEventKind.Decommission => AssetStatus.Decommissioned,
                _ => status,
            };
        }

        return status;
    }

    private async Task<AssetSummary?> MatchAsync(StoredAsset stored, AssetFilter filter, Dictionary<string, string?> serverHosts, CancellationToken cancellationToken)
    {
        var asset = stored.Asset;
        if (filter.Kind is { } kind && asset.Kind != kind)
        {
            return null;
        }

        // The fields first, the events only for what may still match: a filtered scan reads few timelines.
        var host = asset.HostId;
        if (asset.ServerId is { } server)
        {
            if (!serverHosts.TryGetValue(server, out host))
            {
                host = (await store.GetAsync(server, cancellationToken).ConfigureAwait(false))?.Asset.HostId;
                serverHosts[server] = host;
            }
        }
        else if (asset.Kind == AssetKind.Server)
        {
            serverHosts[asset.Id] = asset.HostId;
        }

        var site = host is not null && _hostSites.Value.TryGetValue(host, out var s) ? s : null;
        if ((filter.HostId is not null && filter.HostId != host) || (filter.SiteId is not null && filter.SiteId != site))
        {
            return null;
        }

        var events = await store.EventsAsync(asset.Id, cancellationToken).ConfigureAwait(false);
        var status = StatusAfter(events);
        // The same rules as the asset's own page (HardwareService): a server is checked against the host it names.
        var gaps = CustodyRules.Check(new AssetCustody(asset, events), asset.HostId);
        if ((filter.Status is { } wanted && status != wanted) || (filter.GapsOnly && gaps.Count == 0))
        {
            return null;
        }

        return new AssetSummary(stored, status, HardwareService.CustodianAfter(events), host, site, events.Count, gaps);
    }
}
