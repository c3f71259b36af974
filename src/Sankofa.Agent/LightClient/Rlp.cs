using Nethereum.RLP;
using Nethereum.Util;

namespace Sankofa.Agent.LightClient;

/// <summary>Nethereum's RLP and keccak-256, with the checks a light client needs before trusting what it decoded.</summary>
internal static class Rlp
{
    /// <summary>The RLP encoding of an empty list.</summary>
    public static readonly byte[] EmptyList = [RLP.OFFSET_SHORT_LIST];

    public static byte[] Keccak(byte[] data) => Sha3Keccack.Current.CalculateHash(data);

    /// <summary>Decodes <paramref name="encoded"/> as one RLP list spanning every byte, or refuses it naming <paramref name="what"/>.</summary>
    public static RLPCollection DecodeList(byte[] encoded, string what) =>
        // Nethereum decodes what follows the first item too and returns the first: trailing bytes would pass unseen.
        Decode(encoded, what) is RLPCollection list && list.RLPData?.Length == encoded.Length
            ? list
            : throw new ChainVerificationException($"{what} is not a single RLP list.");

    /// <summary>Decodes <paramref name="encoded"/> as one canonical RLP byte string spanning every byte, or refuses it.</summary>
    public static byte[] DecodeString(byte[] encoded, string what) =>
        Decode(encoded, what) is RLPItem item && (item.RLPData ?? []) is var bytes && EncodeElement(bytes).AsSpan().SequenceEqual(encoded)
            ? bytes
            : throw new ChainVerificationException($"{what} is not a canonical RLP byte string.");

    /// <summary>The bytes of a string item (Nethereum gives null for the empty string); a list where a string belongs is refused.</summary>
    public static byte[] Bytes(IRLPElement element, string what) => element is RLPCollection
        ? throw new ChainVerificationException($"{what} is a list where a byte string belongs.")
        : element.RLPData ?? [];

    /// <summary>The items of a list item; a string where a list belongs is refused.</summary>
    public static RLPCollection List(IRLPElement element, string what) =>
        element as RLPCollection ?? throw new ChainVerificationException($"{what} is a byte string where a list belongs.");

    public static byte[] EncodeList(IEnumerable<byte[]> encodedItems) => RLP.EncodeList([.. encodedItems]);

    public static byte[] EncodeElement(byte[] bytes) => RLP.EncodeElement(bytes);

    private static IRLPElement Decode(byte[] encoded, string what)
    {
        if (encoded.Length == 0)
        {
            throw new ChainVerificationException($"{what} is empty.");
        }

        try
        {
            return RLP.Decode(encoded);
        }
#pragma warning disable CA1031 // Nethereum reports malformed input as System.Exception (or an index error); all mean "not RLP".
        catch (Exception ex)
#pragma warning restore CA1031
        {
            throw new ChainVerificationException($"{what} is not valid RLP.", ex);
        }
    }
}
