using Sankofa.Core.Hardware;

namespace Sankofa.Server.Hardware;

/// <summary>A hardware asset.</summary>
/// <param name="Id">Its id (keccak-256 of it is its id on chain).</param>
/// <param name="Kind">server, cpu, memory, nic, disk, bmc or tpm.</param>
/// <param name="Manufacturer">Who made it.</param>
/// <param name="Model">Its model.</param>
/// <param name="Serial">Its serial number.</param>
/// <param name="Firmware">Its firmware versions.</param>
/// <param name="ServerId">For a component: its server.</param>
/// <param name="HostId">For a server: the catalog host it becomes.</param>
/// <param name="Hash">Its canonical hash (docs/hardware.md), 0x hex: what the supplier's registration records on chain.</param>
/// <param name="CreatedAt">When it was added.</param>
public sealed record AssetResponse(
    string Id, string Kind, string Manufacturer, string Model, string Serial, IReadOnlyList<FirmwareRequest> Firmware, string? ServerId, string? HostId, string Hash,
    DateTimeOffset CreatedAt)
{
    internal static AssetResponse From(StoredAsset s) => new(
        s.Asset.Id, HardwareNames.Name(s.Asset.Kind), s.Asset.Manufacturer, s.Asset.Model, s.Asset.Serial, [.. s.Asset.Firmware.Select(f => new FirmwareRequest(f.Component, f.Version))],
        s.Asset.ServerId, s.Asset.HostId, HardwareService.Hex(s.Asset.Hash()), s.CreatedAt);
}

/// <summary>A page of assets.</summary>
/// <param name="Items">The assets.</param>
/// <param name="Next">Pass as <c>after</c> for the next page; null on the last.</param>
public sealed record AssetPageResponse(IReadOnlyList<AssetResponse> Items, long? Next);

/// <summary>One custody event, with the transaction that recorded it on chain.</summary>
/// <param name="Sequence">0 for the registration, then 1, 2… as on chain.</param>
/// <param name="Kind">registration, transfer, inspection, installation or decommission.</param>
/// <param name="Party">Who signed: supplier, sender, inspector or custodian (identity id).</param>
/// <param name="To">A transfer's receiver.</param>
/// <param name="DocumentHash">SHA-256 of its document, 0x hex (download it from <c>/api/v1/assets/documents/{hash}</c>).</param>
/// <param name="Passed">An inspection's outcome.</param>
/// <param name="SiteId">An installation's site.</param>
/// <param name="HostId">An installation's host.</param>
/// <param name="RecordedAt">When it was stored.</param>
/// <param name="Transaction">The transaction that recorded it.</param>
/// <param name="Block">Its block.</param>
public sealed record CustodyEventResponse(
    long Sequence, string Kind, string Party, string? To, string DocumentHash, bool? Passed, string? SiteId, string? HostId, DateTimeOffset RecordedAt,
    string Transaction, long Block)
{
    internal static CustodyEventResponse From(CustodyEvent e) => new(
        e.Sequence, HardwareNames.Name(e.Kind), e.Actor, e.Counterparty, HardwareService.Hex(e.DocumentHash), e.Passed, e.SiteId, e.HostId, e.RecordedAt,
        e.Chain.TransactionHash, e.Chain.BlockNumber);
}

/// <summary>A custody gap.</summary>
/// <param name="AssetId">The asset at fault (null: the host has no server asset).</param>
/// <param name="Kind">not-registered, broken-chain, not-installed, failed-inspection, decommissioned or no-hardware.</param>
/// <param name="Reason">For a person.</param>
public sealed record CustodyGapResponse(string? AssetId, string Kind, string Reason)
{
    internal static CustodyGapResponse From(CustodyGap g) => new(g.AssetId, Name(g.Kind), g.Reason);

    internal static string Name(CustodyGapKind kind) => kind switch
    {
        CustodyGapKind.NotRegistered => "not-registered",
        CustodyGapKind.BrokenChain => "broken-chain",
        CustodyGapKind.NotInstalled => "not-installed",
        CustodyGapKind.FailedInspection => "failed-inspection",
        CustodyGapKind.Decommissioned => "decommissioned",
        _ => "no-hardware",
    };
}

/// <summary>An asset with its custody timeline.</summary>
/// <param name="Asset">The asset.</param>
/// <param name="Custodian">Who holds it now.</param>
/// <param name="Events">Its custody events, oldest first.</param>
/// <param name="Gaps">What the custody rules find (empty: whole).</param>
public sealed record AssetDetailsResponse(AssetResponse Asset, string? Custodian, IReadOnlyList<CustodyEventResponse> Events, IReadOnlyList<CustodyGapResponse> Gaps)
{
    internal static AssetDetailsResponse From(AssetDetails d) => new(
        AssetResponse.From(d.Stored), d.Custodian, [.. d.Events.Select(CustodyEventResponse.From)], [.. d.Gaps.Select(CustodyGapResponse.From)]);
}

/// <summary>The digest the parties sign for a custody event.</summary>
/// <param name="Digest">0x and 64 hex digits: the EIP-712 digest (docs/hardware.md), signed without prefix.</param>
public sealed record CustodyDigestResponse(string Digest);

/// <summary>A stored document.</summary>
/// <param name="Hash">Its SHA-256, 0x hex.</param>
public sealed record DocumentResponse(string Hash);

/// <summary>One asset of a provenance, with its custody events.</summary>
/// <param name="Asset">The asset.</param>
/// <param name="Events">Its custody events with their chain records.</param>
public sealed record ProvenanceAssetResponse(AssetResponse Asset, IReadOnlyList<CustodyEventResponse> Events);

/// <summary>The provenance of a VM's hardware: host → server → components → custody events.</summary>
/// <param name="ResourceId">The VM.</param>
/// <param name="SiteId">Its site.</param>
/// <param name="HostId">Its host.</param>
/// <param name="Verified">True when the host's custody has no gap.</param>
/// <param name="Server">The server that becomes the host (null when none is registered).</param>
/// <param name="Components">The server's components.</param>
/// <param name="Gaps">What the custody rules find.</param>
public sealed record ProvenanceResponse(
    string ResourceId, string SiteId, string HostId, bool Verified, ProvenanceAssetResponse? Server, IReadOnlyList<ProvenanceAssetResponse> Components,
    IReadOnlyList<CustodyGapResponse> Gaps)
{
    internal static ProvenanceResponse From(Provenance p)
    {
        var items = p.Hardware.Select(h => (h.Asset, Response: new ProvenanceAssetResponse(AssetResponse.From(new StoredAsset(h.Asset, h.CreatedAt, 0)), [.. h.Events.Select(CustodyEventResponse.From)]))).ToList();
        return new(p.ResourceId, p.SiteId, p.HostId, p.Verified, items.FirstOrDefault(i => i.Asset.Kind == AssetKind.Server).Response,
            [.. items.Where(i => i.Asset.Kind != AssetKind.Server).Select(i => i.Response)], [.. p.Gaps.Select(CustodyGapResponse.From)]);
    }
}
