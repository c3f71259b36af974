using Sankofa.Core.Audit;
using Sankofa.Core.Hardware;
using Sankofa.Core.Tests.Fakes;

namespace Sankofa.Core.Tests.Hardware;

/// <summary>
/// Host verdicts for placement are kept while custody stands still and recomputed as soon as any asset or custody event
/// is stored: a failed inspection recorded after a placement refuses the host at the next one, a new server gives its
/// host a verdict of its own, and a host without hardware stays refused.
/// </summary>
public sealed class HostCustodyVerdictsTests
{
    private const string Host = "edge-001-h01";
    private static readonly DateTimeOffset At = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly AuditEvent Audit = new("test", "hardware.test.written", "asset:test", "{}");

    [Fact]
    public async Task A_verdict_is_reused_while_custody_stands_still_and_recomputed_after_a_new_custody_event()
    {
        var store = new FakeAssetStore();
        var verdicts = new HostCustodyVerdicts(store);
        var none = CancellationToken.None;
        await store.AddAsync(new Asset("srv-1", AssetKind.Server, "Acme", "R750", "SN-1", [], null, Host), At, Audit, none);
        await store.AddAsync(new Asset("disk-1", AssetKind.Disk, "Acme", "PM9A3", "SN-D1", [], "srv-1", null), At, Audit, none);
        foreach (var asset in new[] { "srv-1", "disk-1" })
        {
            await store.AddEventAsync(Event(asset, 0, CustodyEventKind.Registration), Audit, none);
            await store.AddEventAsync(Event(asset, 1, CustodyEventKind.Installation, host: Host), Audit, none);
        }

        var first = await verdicts.GapsAsync([Host, "edge-001-h02"], none);
        Assert.Empty(first[Host]);
        Assert.Equal(CustodyGapKind.NoHardware, Assert.Single(first["edge-001-h02"]).Kind);

        // Nothing stored since: the same verdicts, the fleet's hardware not read again.
        await verdicts.GapsAsync([Host], none);
        await verdicts.GapsAsync([Host, "edge-001-h03"], none);
        Assert.Equal((1, 1L), (store.HardwareReads, verdicts.Recomputations));

        // The disk fails an inspection: the next question sees it.
        await store.AddEventAsync(Event("disk-1", 2, CustodyEventKind.Inspection, passed: false), Audit, none);
        var after = await verdicts.GapsAsync([Host], none);
        Assert.Equal(CustodyGapKind.FailedInspection, Assert.Single(after[Host]).Kind);
        Assert.Equal((2, 2L), (store.HardwareReads, verdicts.Recomputations));

        // A new server naming another host is custody too: that host now has hardware, not yet registered.
        await store.AddAsync(new Asset("srv-2", AssetKind.Server, "Acme", "R750", "SN-2", [], null, "edge-001-h02"), At, Audit, none);
        Assert.Equal(CustodyGapKind.NotRegistered, Assert.Single((await verdicts.GapsAsync(["edge-001-h02"], none))["edge-001-h02"]).Kind);
    }

    private static CustodyEvent Event(string assetId, long sequence, CustodyEventKind kind, bool? passed = null, string? host = null) =>
        new(assetId, sequence, kind, "supplier-1", null, new byte[32], passed, host is null ? null : "edge-001", host, At.AddHours(sequence),
            new ChainRecord("0x" + new string('a', 64), 10 + sequence));
}
