using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Sankofa.Ledger.Rpc;

/// <summary>Ethereum's 0x-prefixed hex conventions for quantities and byte strings.</summary>
internal static class Hex
{
    public static string Quantity(long value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    public static string Quantity(BigInteger value) => value.IsZero ? "0x0" : "0x" + value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');

    public static string Bytes(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    public static byte[] ToBytes(string hex)
    {
        var span = hex.AsSpan();
        if (span.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            span = span[2..];
        }

        return span.Length % 2 == 0 ? Convert.FromHexString(span) : Convert.FromHexString("0" + span.ToString());
    }

    public static long ToLong(JsonElement element) => ToLong(element.GetString() ?? "0x0");

    public static long ToLong(string hex) => (long)ToBigInteger(hex);

    public static BigInteger ToBigInteger(string hex)
    {
        var digits = hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex;
        return digits.Length == 0 ? BigInteger.Zero : BigInteger.Parse("0" + digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }
}
