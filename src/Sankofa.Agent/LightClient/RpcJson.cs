using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Sankofa.Agent.LightClient;

/// <summary>
/// Reads the fields of a JSON-RPC answer (0x-prefixed hex, Ethereum's conventions). The answer comes from a party the
/// agent does not trust, so a missing or malformed field is refused naming it, never defaulted.
/// </summary>
internal static class RpcJson
{
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    public static bool Has(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public static JsonElement Field(JsonElement obj, string name, string what) =>
        Has(obj, name) ? obj.GetProperty(name) : throw new ChainVerificationException($"{what}: the field {name} is missing.");

    /// <summary>A byte string field (DATA), of exactly <paramref name="length"/> bytes when given.</summary>
    public static byte[] Data(JsonElement obj, string name, string what, int? length = null) =>
        Bytes(Field(obj, name, what), $"{what}: {name}", length);

    /// <summary>A quantity field (QUANTITY) as the minimal big-endian bytes RLP encodes (zero: no bytes).</summary>
    public static byte[] Quantity(JsonElement obj, string name, string what) => Quantity(Field(obj, name, what), $"{what}: {name}");

    /// <summary>A quantity (QUANTITY) as the minimal big-endian bytes RLP encodes (zero: no bytes).</summary>
    public static byte[] Quantity(JsonElement value, string what)
    {
        var digits = Digits(value, what).TrimStart('0');
        return Convert.FromHexString(digits.Length % 2 == 0 ? digits : "0" + digits);
    }

    public static BigInteger Integer(JsonElement obj, string name, string what) =>
        new(Quantity(obj, name, what), isUnsigned: true, isBigEndian: true);

    public static long Long(JsonElement obj, string name, string what) => Long(Field(obj, name, what), $"{what}: {name}");

    public static long Long(JsonElement value, string what) =>
        new BigInteger(Quantity(value, what), isUnsigned: true, isBigEndian: true) is var number && number <= long.MaxValue
            ? (long)number
            : throw new ChainVerificationException($"{what} is out of range.");

    /// <summary>An array of byte strings, such as the trie nodes of a proof.</summary>
    public static IReadOnlyList<byte[]> DataList(JsonElement obj, string name, string what)
    {
        var array = Field(obj, name, what);
        return array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray().Select((item, i) => Bytes(item, $"{what}: {name}[{i.ToString(CultureInfo.InvariantCulture)}]", null))]
            : throw new ChainVerificationException($"{what}: {name} is not an array.");
    }

    private static byte[] Bytes(JsonElement value, string what, int? length)
    {
        var digits = Digits(value, what);
        var bytes = digits.Length % 2 == 0 ? Convert.FromHexString(digits) : throw new ChainVerificationException($"{what} is not a whole number of bytes.");
        return length is null || bytes.Length == length
            ? bytes
            : throw new ChainVerificationException($"{what} has {bytes.Length} bytes, expected {length}.");
    }

    private static string Digits(JsonElement value, string what) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { } text
        && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && !text.AsSpan(2).ContainsAnyExcept(HexDigits)
            ? text[2..]
            : throw new ChainVerificationException($"{what} is not 0x-prefixed hex.");
}
