using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Sankofa.Core.Provisioning;

/// <summary>
/// The spec hash recorded on chain. Both the control plane (from the request) and the site (from what its hypervisor
/// runs) compute it, so it is a public format: changing it makes every recorded attestation unverifiable.
/// </summary>
public static class SpecHash
{
    private static readonly byte[] Domain = "sankofa.resource-spec.v1"u8.ToArray();

    /// <summary>
    /// <c>SHA256(domain ‖ vcpu ‖ ramMiB ‖ diskGiB ‖ template ‖ cloudInitUser ‖ keyCount ‖ keys…)</c>: integers as 8-byte
    /// big-endian, strings as a 4-byte big-endian length then UTF-8; a missing cloud-init user is the empty string; keys
    /// are trimmed, blank ones dropped, and sorted ordinally, because a hypervisor does not promise to keep their order.
    /// </summary>
    public static byte[] Of(ResourceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var keys = Normalize(spec.SshKeys);
        using var buffer = new MemoryStream();
        buffer.Write(Domain);
        Int(buffer, spec.VCpu);
        Int(buffer, spec.RamMiB);
        Int(buffer, spec.DiskGiB);
        Text(buffer, spec.Template);
        Text(buffer, spec.CloudInitUser ?? string.Empty);
        Int(buffer, keys.Count);
        foreach (var key in keys)
        {
            Text(buffer, key);
        }

        return SHA256.HashData(buffer.ToArray());
    }

    /// <summary>The keys as the hash sees them: trimmed, without blanks, in ordinal order.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string>? keys) =>
        [.. (keys ?? []).Select(k => k.Trim()).Where(k => k.Length > 0).Order(StringComparer.Ordinal)];

    private static void Int(MemoryStream buffer, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        buffer.Write(bytes);
    }

    private static void Text(MemoryStream buffer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        buffer.Write(length);
        buffer.Write(bytes);
    }
}
