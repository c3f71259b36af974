using System.Globalization;
using System.Text.RegularExpressions;

namespace Sankofa.Proxmox.Api;

/// <summary>Reads Proxmox VE volume strings as a VM config gives them, e.g. <c>local-lvm:vm-101-disk-0,size=10G</c>.</summary>
public static partial class ProxmoxVolumes
{
    /// <summary>The volume's size in GiB, rounded up; null when the string carries no <c>size=</c>.</summary>
    /// <param name="volume">A disk entry of a VM config (<c>scsi0</c>, <c>virtio0</c>, …).</param>
    public static int? SizeInGigabytes(string volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var match = DiskSize().Match(volume);
        if (!match.Success)
        {
            return null;
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var gib = match.Groups[2].Value switch { "T" => value * 1024, "G" => value, "M" => value / 1024, "K" => value / (1024 * 1024), _ => value / (1 << 30) };
        return (int)Math.Ceiling(gib);
    }

    [GeneratedRegex(@"size=(\d+(?:\.\d+)?)([KMGT]?)")]
    private static partial Regex DiskSize();
}
