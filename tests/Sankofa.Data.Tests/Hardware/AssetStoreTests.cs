using System.Security.Cryptography;
using Sankofa.Core;
using Sankofa.Core.Audit;
using Sankofa.Core.Hardware;

namespace Sankofa.Data.Tests.Hardware;

/// <summary>
/// The asset store against real SQLite and PostgreSQL: an asset once per id, paged in order; custody events once per
/// asset and sequence, read back in order with their chain records; a host's hardware is its servers and their
/// components; documents by their SHA-256, the same bytes stored once.
/// </summary>
public sealed class AssetStoreTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 1, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Providers => TestStore.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Assets_events_and_documents_are_kept_once_and_read_back_as_written(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var store = test.Assets;
        var none = CancellationToken.None;
        var server = new Asset("srv-1", AssetKind.Server, "Acme", "R750", "SN-1", [new("bios", "2.1"), new("bmc", "5.10")], null, "edge-001-h01");
        var disk = new Asset("disk-1", AssetKind.Disk, "Acme", "PM9A3", "SN-D1", [], "srv-1", null);
        var elsewhere = new Asset("srv-2", AssetKind.Server, "Acme", "R750", "SN-2", [], null, "edge-002-h01");
        var version = await store.CustodyVersionAsync(none);
        foreach (var asset in new[] { server, disk, elsewhere })
        {
            await store.AddAsync(asset, Now, Audit(asset.Id), none);
        }

        await Assert.ThrowsAsync<StoreConflictException>(() => store.AddAsync(server with { Serial = "other" }, Now, Audit("srv-1"), none));
        var stored = (await store.GetAsync("srv-1", none))!;
        Assert.Equal(server.Hash(), stored.Asset.Hash()); // firmware, host and every field round-trip
        var first = await store.ListAsync(null, 2, none);
        Assert.Equal(["srv-1", "disk-1"], first.Items.Select(a => a.Asset.Id));
        Assert.Equal(["srv-2"], (await store.ListAsync(first.Next, 2, none)).Items.Select(a => a.Asset.Id));

        var registration = new CustodyEvent("srv-1", 0, CustodyEventKind.Registration, "usr-supplier", null, SHA256.HashData("invoice"u8), null, null, null, Now,
            new ChainRecord("0x" + new string('a', 64), 7));
        var installation = new CustodyEvent("srv-1", 1, CustodyEventKind.Installation, "usr-supplier", null, SHA256.HashData("photo"u8), null, "edge-001", "edge-001-h01",
            Now.AddHours(1), new ChainRecord("0x" + new string('b', 64), 9));
        await store.AddEventAsync(installation, Audit("srv-1"), none);
        await store.AddEventAsync(registration, Audit("srv-1"), none);
        await Assert.ThrowsAsync<StoreConflictException>(() => store.AddEventAsync(registration with { Actor = "usr-other" }, Audit("srv-1"), none));
        // Three assets and two events moved the custody version; the refused writes rolled back with their bump.
        Assert.Equal(version + 5, await store.CustodyVersionAsync(none));
        var events = await store.EventsAsync("srv-1", none);
        Assert.Equal([0L, 1L], events.Select(e => e.Sequence));
        Assert.Equal((installation.HostId, installation.Chain, Convert.ToHexString(installation.DocumentHash)), (events[1].HostId, events[1].Chain, Convert.ToHexString(events[1].DocumentHash)));

        // One host (what a provenance request asks) or all (placement's verdicts): each asset with its own events, every
        // field as written (an inspection's passed, null fields) and in sequence order (srv-1's installation was stored
        // before its registration).
        var diskRegistration = registration with { AssetId = "disk-1", Actor = "usr-other-supplier", Chain = new ChainRecord("0x" + new string('c', 64), 8) };
        var diskTransfer = new CustodyEvent("disk-1", 1, CustodyEventKind.Transfer, "usr-other-supplier", "usr-carrier", SHA256.HashData("waybill"u8), null, null, null,
            Now.AddMinutes(5), new ChainRecord("0x" + new string('d', 64), 10));
        var diskFailed = diskTransfer with { Sequence = 2, Kind = CustodyEventKind.Inspection, Actor = "usr-inspector", Counterparty = null, Passed = false };
        var diskPassed = diskFailed with { Sequence = 3, Passed = true, RecordedAt = Now.AddDays(1).AddMilliseconds(7) };
        foreach (var e in new[] { diskRegistration, diskTransfer, diskFailed, diskPassed })
        {
            await store.AddEventAsync(e, Audit("disk-1"), none);
        }

        var expected = new Dictionary<string, string[]>
        {
            ["srv-1"] = [Line(registration), Line(installation)], ["disk-1"] = [.. new[] { diskRegistration, diskTransfer, diskFailed, diskPassed }.Select(Line)], ["srv-2"] = [],
        };
        var hardware = await store.HostHardwareAsync("edge-001-h01", none);
        Assert.Equal(["disk-1", "srv-1"], hardware.Select(h => h.Asset.Id).Order());
        Assert.Equal(server.Hash(), hardware.Single(h => h.Asset.Id == "srv-1").Asset.Hash());
        Assert.Equal(["srv-2"], (await store.HostHardwareAsync("edge-002-h01", none)).Select(h => h.Asset.Id));
        Assert.Empty(await store.HostHardwareAsync("edge-003-h01", none));
        Assert.Equal(["disk-1", "srv-1", "srv-2"], (await store.HostHardwareAsync(null, none)).Select(h => h.Asset.Id).Order());
        foreach (var asked in new[] { "edge-001-h01", "edge-002-h01", null })
        {
            foreach (var custody in await store.HostHardwareAsync(asked, none))
            {
                Assert.Equal(expected[custody.Asset.Id], custody.Events.Select(Line));
            }
        }

        var document = new CustodyDocument(SHA256.HashData("packing list"u8), "text/plain", "packing list"u8.ToArray());
        await store.PutDocumentAsync(document, none);
        await store.PutDocumentAsync(document, none); // the same bytes: already there
        var read = (await store.GetDocumentAsync(document.Hash, none))!;
        Assert.Equal(("text/plain", Convert.ToHexString(document.Content)), (read.ContentType, Convert.ToHexString(read.Content)));
        Assert.Null(await store.GetDocumentAsync(new byte[32], none));
    }

    private static string Line(CustodyEvent e) =>
        $"{e.AssetId}#{e.Sequence} {e.Kind} {e.Actor} {e.Counterparty} {Convert.ToHexString(e.DocumentHash)} {e.Passed} {e.SiteId} {e.HostId} {e.RecordedAt:O} {e.Chain}";

    private static AuditEvent Audit(string asset) => new("test", "hardware.test.written", $"asset:{asset}", "{}");
}
