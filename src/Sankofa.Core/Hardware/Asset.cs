using System.Security.Cryptography;

namespace Sankofa.Core.Hardware;

/// <summary>What a hardware asset is: a server, or one of its components.</summary>
public enum AssetKind
{
    /// <summary>A whole server; it becomes a catalog host once installed.</summary>
    Server,

    /// <summary>A processor.</summary>
    Cpu,

    /// <summary>A memory module.</summary>
    Memory,

    /// <summary>A network interface card.</summary>
    Nic,

    /// <summary>A disk (its media is destroyed at decommissioning).</summary>
    Disk,

    /// <summary>A baseboard management controller (its firmware is measured).</summary>
    Bmc,

    /// <summary>A trusted platform module (its firmware is measured).</summary>
    Tpm,
}

/// <summary>A firmware version of an asset (BIOS, BMC, TPM, NIC…).</summary>
/// <param name="Component">What runs it: <c>bios</c>, <c>bmc</c>, <c>tpm</c>…</param>
/// <param name="Version">The version as the vendor writes it.</param>
public sealed record FirmwareVersion(string Component, string Version);

/// <summary>
/// A hardware asset as registered by its supplier: a server, or a component of one (<see cref="ServerId"/>). Its
/// <see cref="Hash"/> is what the chain holds for it, so no serial or model ever leaves the control plane unhashed.
/// </summary>
/// <param name="Id">Stable id (lowercase letters, digits, '-', '.', '_'); keccak-256 of it is the asset's id on chain.</param>
/// <param name="Kind">Server or component.</param>
/// <param name="Manufacturer">Who made it.</param>
/// <param name="Model">Its model.</param>
/// <param name="Serial">Its serial number.</param>
/// <param name="Firmware">Firmware versions, in the order given.</param>
/// <param name="ServerId">The server a component belongs to; null for a server.</param>
/// <param name="HostId">The catalog host a server becomes (<c>edge-001-h01</c>); null for a component.</param>
public sealed record Asset(
    string Id, AssetKind Kind, string Manufacturer, string Model, string Serial, IReadOnlyList<FirmwareVersion> Firmware, string? ServerId, string? HostId)
{
    private static readonly byte[] Domain = "sankofa.asset.v1"u8.ToArray();

    /// <summary>
    /// The asset's canonical hash (docs/hardware.md): SHA-256 over the domain tag <c>sankofa.asset.v1</c>, then id, kind
    /// name, manufacturer, model, serial, server id and host id (absent: empty) as strings, the firmware count and each
    /// component and version — strings as a 4-byte big-endian length then UTF-8, integers as 8-byte big-endian.
    /// </summary>
    public byte[] Hash()
    {
        var e = new Billing.BillingEncoding(Domain);
        e.Text(Id);
        e.Text(HardwareNames.Name(Kind));
        e.Text(Manufacturer);
        e.Text(Model);
        e.Text(Serial);
        e.Text(ServerId ?? string.Empty);
        e.Text(HostId ?? string.Empty);
        e.Int(Firmware.Count);
        foreach (var f in Firmware)
        {
            e.Text(f.Component);
            e.Text(f.Version);
        }

        return SHA256.HashData(e.ToArray());
    }
}

/// <summary>The names docs/hardware.md, the API and the canonical encodings give kinds.</summary>
public static class HardwareNames
{
    /// <summary>server, cpu, memory, nic, disk, bmc, tpm.</summary>
    public static string Name(AssetKind kind) => kind switch
    {
        AssetKind.Server => "server",
        AssetKind.Cpu => "cpu",
        AssetKind.Memory => "memory",
        AssetKind.Nic => "nic",
        AssetKind.Disk => "disk",
        AssetKind.Bmc => "bmc",
        AssetKind.Tpm => "tpm",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The kind named, or null.</summary>
    public static AssetKind? Kind(string? name) => Enum.GetValues<AssetKind>().Cast<AssetKind?>().FirstOrDefault(k => Name(k!.Value) == name);

    /// <summary>registration, transfer, inspection, installation, decommission.</summary>
    public static string Name(CustodyEventKind kind) => kind switch
    {
        CustodyEventKind.Registration => "registration",
        CustodyEventKind.Transfer => "transfer",
        CustodyEventKind.Inspection => "inspection",
        CustodyEventKind.Installation => "installation",
        CustodyEventKind.Decommission => "decommission",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The custody event kind named, or null.</summary>
    public static CustodyEventKind? EventKind(string? name) =>
        Enum.GetValues<CustodyEventKind>().Cast<CustodyEventKind?>().FirstOrDefault(k => Name(k!.Value) == name);
}
