using Sankofa.Core.Access;
using Sankofa.Core.Audit;
using Sankofa.Core.Hardware;
using Sankofa.Core.Tests.Fakes;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Tests.Hardware;

/// <summary>
/// The filtered asset list the portal shows: kind, site and host (a component goes with its server's host), custody
/// status and gaps; cursor paging that neither repeats nor skips; a bounded read for rare matches; the access matrix.
/// An in-memory store (a fake of the Core port) keeps these fast; the portal's browser test reads the real one.
/// </summary>
public sealed class AssetQueriesTests
{
    private static readonly Caller Admin = new("usr-1", "root", [new RoleGrant(Roles.PlatformAdmin)]);
    private static readonly DateTimeOffset At = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Filters_by_kind_site_host_status_and_gaps_with_components_under_their_server_s_host()
    {
        var store = new FakeAssetStore();
        store.Add(Server("srv-a", "edge-001-h01"), Installed("srv-a", "edge-001-h01"));
        store.Add(Component("disk-a", "srv-a"), Installed("disk-a", "edge-001-h01"));
        store.Add(Server("srv-b", "edge-002-h01"), [.. Registered("srv-b"), Event("srv-b", 1, CustodyEventKind.Inspection, passed: false)]);
        store.Add(Component("nic-b", "srv-b"));
        var queries = new AssetQueries(store, SiteCatalog.Default);

        Assert.Equal(["srv-a", "srv-b"], await IdsAsync(queries, new AssetFilter(Kind: AssetKind.Server)));
        Assert.Equal(["srv-a", "disk-a"], await IdsAsync(queries, new AssetFilter(HostId: "edge-001-h01")));
        Assert.Equal(["srv-b", "nic-b"], await IdsAsync(queries, new AssetFilter(SiteId: "edge-002")));
        Assert.Equal(["srv-a", "disk-a"], await IdsAsync(queries, new AssetFilter(Status: AssetStatus.Installed)));
        Assert.Equal(["nic-b"], await IdsAsync(queries, new AssetFilter(Status: AssetStatus.Unregistered)));
        Assert.Equal(["srv-b", "nic-b"], await IdsAsync(queries, new AssetFilter(GapsOnly: true)));

        var disk = (await queries.ListAsync(Admin, new AssetFilter(Kind: AssetKind.Disk), null, null, default)).Value!.Items.Single();
        Assert.Equal(("edge-001-h01", "edge-001", "site-edge-001", 3), (disk.HostId, disk.SiteId, disk.Custodian, disk.EventCount));
        Assert.Empty(disk.Gaps);
        var failed = (await queries.ListAsync(Admin, new AssetFilter(HostId: "edge-002-h01", Kind: AssetKind.Server), null, null, default)).Value!.Items.Single();
        Assert.Contains(failed.Gaps, g => g.Kind == CustodyGapKind.FailedInspection);
    }

    [Fact]
    public async Task Pages_continue_from_the_cursor_without_repeating_or_skipping_an_asset()
    {
        var store = new FakeAssetStore();
        for (var i = 0; i < 7; i++)
        {
            store.Add(Server($"srv-{i}", "edge-001-h01"));
            store.Add(Component($"disk-{i}", $"srv-{i}"));
        }

        var queries = new AssetQueries(store, SiteCatalog.Default);
        var seen = new List<string>();
        long? after = null;
        do
        {
            var page = (await queries.ListAsync(Admin, new AssetFilter(Kind: AssetKind.Disk), after, 3, default)).Value!;
            Assert.InRange(page.Items.Count, 1, 3);
            seen.AddRange(page.Items.Select(a => a.Stored.Asset.Id));
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"disk-{i}"), seen);
    }

    [Fact]
    public async Task A_rare_match_reads_at_most_the_scan_limit_and_says_where_to_continue()
    {
        var store = new FakeAssetStore();
        for (var i = 0; i < AssetQueries.MaxScan + 10; i++)
        {
            store.Add(Server($"srv-{i:D5}", "edge-001-h01"));
        }

        store.Add(Component("tpm-last", "srv-00000"));
        var queries = new AssetQueries(store, SiteCatalog.Default);

        var first = (await queries.ListAsync(Admin, new AssetFilter(Kind: AssetKind.Tpm), null, 25, default)).Value!;
        Assert.Empty(first.Items);
        Assert.Equal(AssetQueries.MaxScan, first.Scanned);
        Assert.NotNull(first.Next);
        var rest = (await queries.ListAsync(Admin, new AssetFilter(Kind: AssetKind.Tpm), first.Next, 25, default)).Value!;
        Assert.Equal("tpm-last", Assert.Single(rest.Items).Stored.Asset.Id);
        Assert.Null(rest.Next);
    }

    [Fact]
    public async Task Only_platform_wide_readers_of_assets_list_them_and_an_unknown_host_or_site_is_named()
    {
        var queries = new AssetQueries(new FakeAssetStore(), SiteCatalog.Default);

        var tenantAuditor = new Caller("usr-2", "tom", [new RoleGrant(Roles.Auditor, "acme")]);
        Assert.Equal(ErrorKind.Forbidden, (await queries.ListAsync(tenantAuditor, new AssetFilter(), null, null, default)).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await queries.ListAsync(new Caller("usr-3", "v", [new RoleGrant(Roles.Viewer)]), new AssetFilter(), null, null, default)).Error!.Kind);
        Assert.True((await queries.ListAsync(new Caller("usr-4", "a", [new RoleGrant(Roles.Auditor)]), new AssetFilter(), null, null, default)).Succeeded);

        var invalid = (await queries.ListAsync(Admin, new AssetFilter(SiteId: "nowhere", HostId: "edge-001-h99"), -1, 0, default)).Error!;
        Assert.Equal(ErrorKind.Invalid, invalid.Kind);
        Assert.Equal(["after", "hostId", "limit", "siteId"], invalid.Fields.Keys.Order(StringComparer.Ordinal));
    }

    private static async Task<List<string>> IdsAsync(AssetQueries queries, AssetFilter filter) =>
        [.. (await queries.ListAsync(Admin, filter, null, null, default)).Value!.Items.Select(a => a.Stored.Asset.Id)];

    private static Asset Server(string id, string host) => new(id, AssetKind.Server, "Acme", "R750", "SN-" + id, [], null, host);

    private static Asset Component(string id, string server) => new(
        id, id.StartsWith("nic", StringComparison.Ordinal) ? AssetKind.Nic : id.StartsWith("tpm", StringComparison.Ordinal) ? AssetKind.Tpm : AssetKind.Disk,
        "Acme", "PM9A3", "SN-" + id, [], server, null);

    private static CustodyEvent[] Registered(string id) => [Event(id, 0, CustodyEventKind.Registration)];

    private static CustodyEvent[] Installed(string id, string host) =>
    [
        Event(id, 0, CustodyEventKind.Registration),
        Event(id, 1, CustodyEventKind.Transfer, to: "site-edge-001"),
        Event(id, 2, CustodyEventKind.Installation, actor: "site-edge-001", host: host),
    ];

    private static CustodyEvent Event(string id, long sequence, CustodyEventKind kind, string actor = "supplier-1", string? to = null, bool? passed = null, string? host = null) =>
        new(id, sequence, kind, kind == CustodyEventKind.Inspection ? "inspector-1" : actor, to, new byte[32], passed, host is null ? null : host[..8], host,
            At.AddMinutes(sequence), new ChainRecord("0x" + new string('a', 64), 10 + sequence));
}
