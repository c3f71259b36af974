using Sankofa.Core.Hardware;

namespace Sankofa.Core.Tests.Hardware;

/// <summary>
/// The custody gap rules: a whole custody chain installed at its host is verified; a missing registration, a missing
/// event, a party acting on an asset it did not hold, a standing failed inspection, a decommission or an installation
/// elsewhere is a gap, and so is a host no server asset becomes.
/// </summary>
public sealed class CustodyRulesTests
{
    private const string Host = "edge-001-h01";
    private static readonly DateTimeOffset At = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Asset Server = new("srv-1", AssetKind.Server, "Acme", "R750", "SN-1", [new("bios", "2.1")], null, Host);
    private static readonly Asset Disk = new("disk-1", AssetKind.Disk, "Acme", "PM9A3", "SN-D1", [], "srv-1", null);

    [Fact]
    public void A_whole_chain_from_supplier_through_carrier_to_the_site_installed_at_its_host_has_no_gap()
    {
        var events = Whole("srv-1");

        Assert.Empty(CustodyRules.Check(new AssetCustody(Server, events), Host));
        Assert.Empty(CustodyRules.CheckHost(Host, [new AssetCustody(Server, events), new AssetCustody(Disk, Whole("disk-1"))]));
        Assert.Equal("site-edge-001", HardwareService.CustodianAfter(events));
    }

    [Fact]
    public void An_asset_without_its_suppliers_registration_is_not_registered()
    {
        var gaps = CustodyRules.Check(new AssetCustody(Server, []), Host);

        Assert.Equal(CustodyGapKind.NotRegistered, Assert.Single(gaps).Kind);
        Assert.Equal(CustodyGapKind.NotRegistered, Assert.Single(CustodyRules.Check(new AssetCustody(Server, Whole("srv-1").Skip(1).Select((e, i) => e with { Sequence = i }).ToList()))).Kind);
    }

    [Fact]
    public void A_transfer_by_a_party_that_did_not_hold_the_asset_breaks_the_chain()
    {
        var events = Whole("srv-1").ToList();
        events[2] = events[2] with { Actor = "carrier-b" }; // carrier-a received it, carrier-b hands it on

        var gap = Assert.Single(CustodyRules.Check(new AssetCustody(Server, events), Host));

        Assert.Equal(CustodyGapKind.BrokenChain, gap.Kind);
        Assert.Contains("carrier-b", gap.Reason, StringComparison.Ordinal);
        Assert.Contains("carrier-a held it", gap.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_event_breaks_the_chain()
    {
        var events = Whole("srv-1").Where(e => e.Sequence != 1).ToList();

        Assert.Equal(CustodyGapKind.BrokenChain, Assert.Single(CustodyRules.Check(new AssetCustody(Server, events), Host)).Kind);
    }

    [Fact]
    public void A_failed_inspection_stands_until_a_later_one_passes()
    {
        var events = Whole("srv-1").ToList();
        events.Add(Event("srv-1", events.Count, CustodyEventKind.Inspection, "inspector-1", passed: false));

        Assert.Equal(CustodyGapKind.FailedInspection, Assert.Single(CustodyRules.Check(new AssetCustody(Server, events), Host)).Kind);

        events.Add(Event("srv-1", events.Count, CustodyEventKind.Inspection, "inspector-1", passed: true));
        Assert.Empty(CustodyRules.Check(new AssetCustody(Server, events), Host));
    }

    [Fact]
    public void An_asset_never_installed_or_installed_elsewhere_or_moved_away_is_not_installed_at_the_host()
    {
        var events = Whole("srv-1");
        var notInstalled = events.Where(e => e.Kind != CustodyEventKind.Installation).ToList();
        var elsewhere = events.Select(e => e.Kind == CustodyEventKind.Installation ? e with { HostId = "edge-001-h02" } : e).ToList();
        var movedAway = events.Append(Event("srv-1", events.Count, CustodyEventKind.Transfer, "site-edge-001", to: "carrier-a")).ToList();

        Assert.Equal(CustodyGapKind.NotInstalled, Assert.Single(CustodyRules.Check(new AssetCustody(Server, notInstalled), Host)).Kind);
        Assert.Contains("edge-001-h02", Assert.Single(CustodyRules.Check(new AssetCustody(Server, elsewhere), Host)).Reason, StringComparison.Ordinal);
        Assert.Equal(CustodyGapKind.NotInstalled, Assert.Single(CustodyRules.Check(new AssetCustody(Server, movedAway), Host)).Kind);
    }

    [Fact]
    public void A_decommissioned_asset_is_never_verified()
    {
        var events = Whole("srv-1");
        events = [.. events, Event("srv-1", events.Count, CustodyEventKind.Decommission, "site-edge-001")];

        Assert.Equal(CustodyGapKind.Decommissioned, Assert.Single(CustodyRules.Check(new AssetCustody(Server, events), Host)).Kind);
    }

    [Fact]
    public void A_host_without_a_server_asset_or_with_a_component_in_a_gap_is_not_verified()
    {
        Assert.Equal(CustodyGapKind.NoHardware, Assert.Single(CustodyRules.CheckHost(Host, [])).Kind);

        var disk = Whole("disk-1").ToList();
        disk.Add(Event("disk-1", disk.Count, CustodyEventKind.Inspection, "inspector-1", passed: false));
        var gap = Assert.Single(CustodyRules.CheckHost(Host, [new AssetCustody(Server, Whole("srv-1")), new AssetCustody(Disk, disk)]));
        Assert.Equal(("disk-1", CustodyGapKind.FailedInspection), (gap.AssetId, gap.Kind));
    }

    [Fact]
    public void The_asset_hash_is_the_documented_encodings_and_changes_with_every_field()
    {
        // docs/hardware.md: SHA-256("sankofa.asset.v1" ‖ strings as u32 length + UTF-8 ‖ firmware count as i64 ‖ …).
        var expected = System.Security.Cryptography.SHA256.HashData([.. "sankofa.asset.v1"u8, .. Text("srv-1"), .. Text("server"), .. Text("Acme"), .. Text("R750"),
            .. Text("SN-1"), .. Text(string.Empty), .. Text(Host), 0, 0, 0, 0, 0, 0, 0, 1, .. Text("bios"), .. Text("2.1")]);

        Assert.Equal(expected, Server.Hash());
        Assert.NotEqual(Server.Hash(), (Server with { Serial = "SN-2" }).Hash());
        Assert.NotEqual(Server.Hash(), (Server with { Firmware = [new("bios", "2.2")] }).Hash());
    }

    private static byte[] Text(string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        return [(byte)(bytes.Length >> 24), (byte)(bytes.Length >> 16), (byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
    }

    /// <summary>Supplier registers, hands to carrier-a, who hands to the site; inspected (passed); installed at the host.</summary>
    private static IReadOnlyList<CustodyEvent> Whole(string assetId) =>
    [
        Event(assetId, 0, CustodyEventKind.Registration, "supplier-1"),
        Event(assetId, 1, CustodyEventKind.Transfer, "supplier-1", to: "carrier-a"),
        Event(assetId, 2, CustodyEventKind.Transfer, "carrier-a", to: "site-edge-001"),
        Event(assetId, 3, CustodyEventKind.Inspection, "inspector-1", passed: true),
        Event(assetId, 4, CustodyEventKind.Installation, "site-edge-001", site: "edge-001", host: Host),
    ];

    private static CustodyEvent Event(
        string assetId, long sequence, CustodyEventKind kind, string actor, string? to = null, bool? passed = null, string? site = null, string? host = null) =>
        new(assetId, sequence, kind, actor, to, new byte[32], passed, site, host, At.AddHours(sequence), new ChainRecord("0x" + new string('a', 64), 10 + sequence));
}
