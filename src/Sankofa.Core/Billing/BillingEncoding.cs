using System.Buffers.Binary;
using System.Text;
using Sankofa.Core.Topology;

namespace Sankofa.Core.Billing;

/// <summary>The names docs/billing.md, the API and the encodings give tiers and dimensions.</summary>
public static class BillingNames
{
    /// <summary>core, regional, edge.</summary>
    public static string Name(SiteTier tier) => tier switch
    {
        SiteTier.Core => "core",
        SiteTier.Regional => "regional",
        SiteTier.Edge => "edge",
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, null),
    };

    /// <summary>vcpu-hour, ram-gib-hour, disk-gib-hour.</summary>
    public static string Name(BillingDimension dimension) => dimension switch
    {
        BillingDimension.VCpu => "vcpu-hour",
        BillingDimension.RamGiB => "ram-gib-hour",
        BillingDimension.DiskGiB => "disk-gib-hour",
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, null),
    };

    /// <summary>The tier named, or null.</summary>
    public static SiteTier? Tier(string? name) => Enum.GetValues<SiteTier>().Cast<SiteTier?>().FirstOrDefault(t => Name(t!.Value) == name);

    /// <summary>The dimension named, or null.</summary>
    public static BillingDimension? Dimension(string? name) =>
        Enum.GetValues<BillingDimension>().Cast<BillingDimension?>().FirstOrDefault(d => Name(d!.Value) == name);

    /// <summary>
    /// An amount in minor units as a decimal string with <paramref name="minorDigits"/> digits after the point
    /// (8498, 2 → "84.98"; −821, 2 → "-8.21"), in integers: money never passes through a floating-point number.
    /// </summary>
    public static string Amount(long minor, int minorDigits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minorDigits);
        var digits = (minor < 0 ? -(Int128)minor : minor).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(minorDigits + 1, '0');
        var text = minorDigits == 0 ? digits : digits[..^minorDigits] + "." + digits[^minorDigits..];
        return minor < 0 ? "-" + text : text;
    }

    /// <summary>
    /// The inverse of <see cref="Amount"/>: a decimal amount written with a point and at most
    /// <paramref name="minorDigits"/> digits after it ("84.98", "84.9", "84", "-8.21") in minor units (2 → 8498, 8490,
    /// 8400, −821), digit by digit in integers; null when the text is not such an amount or does not fit.
    /// </summary>
    public static long? ParseAmount(string? text, int minorDigits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minorDigits);
        var s = text?.Trim() ?? string.Empty;
        var negative = s.StartsWith('-');
        if (negative)
        {
            s = s[1..];
        }

        var point = s.IndexOf('.', StringComparison.Ordinal);
        var (whole, fraction) = point < 0 ? (s, string.Empty) : (s[..point], s[(point + 1)..]);
        if ((whole.Length == 0 && fraction.Length == 0) || (point >= 0 && fraction.Length == 0) || fraction.Length > minorDigits
            || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit))
        {
            return null;
        }

        Int128 minor = 0;
        foreach (var digit in whole + fraction.PadRight(minorDigits, '0'))
        {
            minor = (minor * 10) + (digit - '0');
            if (minor > long.MaxValue)
            {
                return null;
            }
        }

        return (long)(negative ? -minor : minor);
    }
}

/// <summary>
/// The byte layout of billing's canonical encodings (docs/billing.md), as the spec hash's: a domain tag, then integers as
/// 8-byte big-endian two's complement and strings as a 4-byte big-endian length then UTF-8.
/// </summary>
internal sealed class BillingEncoding
{
    private readonly MemoryStream _buffer = new();

    public BillingEncoding(ReadOnlySpan<byte> domain) => _buffer.Write(domain);

    public void Int(long value)
    {
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(word, value);
        _buffer.Write(word);
    }

    public void Text(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        _buffer.Write(length);
        _buffer.Write(bytes);
    }

    public void Bytes(ReadOnlySpan<byte> value) => _buffer.Write(value);

    public byte[] ToArray() => _buffer.ToArray();
}
