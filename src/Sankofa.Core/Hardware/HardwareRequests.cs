namespace Sankofa.Core.Hardware;

/// <summary>A new asset as asked for (REST body, CLI flags); names as docs/hardware.md writes them.</summary>
/// <param name="Id">Its id: lowercase letters, digits, '.', '_' and '-', up to 128.</param>
/// <param name="Kind">server, cpu, memory, nic, disk, bmc or tpm.</param>
/// <param name="Manufacturer">Who made it.</param>
/// <param name="Model">Its model.</param>
/// <param name="Serial">Its serial number.</param>
/// <param name="Firmware">Its firmware versions.</param>
/// <param name="ServerId">For a component: the server it belongs to (registered first).</param>
/// <param name="HostId">For a server: the catalog host it becomes.</param>
public sealed record AssetRequest(
    string? Id, string? Kind, string? Manufacturer, string? Model, string? Serial, IReadOnlyList<FirmwareRequest>? Firmware, string? ServerId, string? HostId);

/// <summary>A firmware version as asked for.</summary>
/// <param name="Component">bios, bmc, tpm…</param>
/// <param name="Version">The vendor's version.</param>
public sealed record FirmwareRequest(string? Component, string? Version);

/// <summary>
/// A custody event as submitted, with its parties' signatures (0x-hex, 65 bytes each) over the digest
/// <see cref="HardwareService.DigestAsync"/> gives for the same fields.
/// </summary>
/// <param name="Kind">registration, transfer, inspection, installation or decommission.</param>
/// <param name="DocumentHash">0x and 64 hex digits: SHA-256 of its document (uploaded to the control plane, or to be).</param>
/// <param name="Party">The signing supplier (registration) or inspector (inspection): its identity id.</param>
/// <param name="To">The receiving identity, for a transfer.</param>
/// <param name="Passed">The outcome, for an inspection.</param>
/// <param name="SiteId">The site, for an installation.</param>
/// <param name="HostId">The host, for an installation.</param>
/// <param name="Signature">The signer's signature: supplier, sender of a transfer, inspector, or custodian.</param>
/// <param name="ReceiverSignature">The receiver's signature, for a transfer.</param>
public sealed record CustodyRequest(
    string? Kind, string? DocumentHash, string? Party = null, string? To = null, bool? Passed = null, string? SiteId = null, string? HostId = null,
    string? Signature = null, string? ReceiverSignature = null);

/// <summary>An asset with its custody timeline and what the custody rules find in it.</summary>
/// <param name="Stored">The asset.</param>
/// <param name="Events">Its custody events, in order, each with its chain record.</param>
/// <param name="Custodian">Who holds it now (null before registration).</param>
/// <param name="Gaps">What the custody rules find wrong (empty: whole).</param>
public sealed record AssetDetails(StoredAsset Stored, IReadOnlyList<CustodyEvent> Events, string? Custodian, IReadOnlyList<CustodyGap> Gaps);
