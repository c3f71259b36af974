using System.Text.RegularExpressions;

namespace Sankofa.Proxmox.Emulator.Schema;

/// <summary>Proxmox's named string formats that Sankofa's requests use; other formats are accepted unchecked.</summary>
internal static partial class Formats
{
    public static string? Check(string format, string value) => format switch
    {
        "pve-node" => NodeName().IsMatch(value) ? null : "invalid format - value does not look like a valid node name",
        "dns-name" => DnsName().IsMatch(value) ? null : "invalid format - value does not look like a valid DNS name",
        "pve-realm" => Realm().IsMatch(value) ? null : "invalid format - value does not look like a valid realm",
        "pve-storage-id" or "pve-poolid" => ConfigId().IsMatch(value) ? null : $"invalid format - value does not look like a valid {format}",
        "pve-configid" => ConfigId().IsMatch(value) ? null : "invalid format - invalid configuration ID",
        "pve-configid-list" => value.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries).All(ConfigId().IsMatch) ? null : "invalid format - invalid configuration ID list",
        "pve-tag-list" => value.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries).All(Tag().IsMatch) ? null : "invalid format - invalid tag list",
        // Proxmox wants sshkeys percent-encoded inside the (form-encoded) request, so the decoded value has only these characters.
        "urlencoded" => UrlEncoded().IsMatch(value) ? null : "invalid format - value must be URL-encoded",
        _ => null,
    };

    [GeneratedRegex(@"^[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?$")]
    private static partial Regex NodeName();

    [GeneratedRegex(@"^([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)(\.([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?))*$")]
    private static partial Regex DnsName();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9\.\-_]+$")]
    private static partial Regex Realm();

    [GeneratedRegex(@"^[a-z][a-z0-9_\-]+$", RegexOptions.IgnoreCase)]
    private static partial Regex ConfigId();

    [GeneratedRegex(@"^[a-z0-9_][a-z0-9_\-\+\.]*$", RegexOptions.IgnoreCase)]
    private static partial Regex Tag();

    [GeneratedRegex(@"^[%a-zA-Z0-9\-_\.!~\*'\(\)]*$")]
    private static partial Regex UrlEncoded();
}
