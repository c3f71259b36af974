using System.Buffers.Binary;
using System.Text;
using Nethereum.Util;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Contracts;

/// <summary>
/// The few ABI encodings AuditAnchor needs (uint64/uint32 words, bytes32, dynamic arrays of them, a static tuple array).
/// Written out because they are fixed-size words and the gateway encodes thousands of calls; a reflection-based encoder
/// would be most of the cost of a send.
/// </summary>
internal static class Abi
{
    public static byte[] Selector(string signature) => Sha3Keccack.Current.CalculateHash(Encoding.ASCII.GetBytes(signature))[..4];

    public static byte[] Topic(string eventSignature) => Sha3Keccack.Current.CalculateHash(Encoding.ASCII.GetBytes(eventSignature));

    public static void WriteUInt(Span<byte> word, ulong value)
    {
        word[..32].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(word.Slice(24, 8), value);
    }

    public static void WriteAddress(Span<byte> word, string address)
    {
        word[..32].Clear();
        var bytes = Hex.ToBytes(address);
        if (bytes.Length != 20)
        {
            throw new ArgumentException($"Not an address: {address}", nameof(address));
        }

        bytes.CopyTo(word.Slice(12, 20));
    }

    public static ulong ReadUInt64(ReadOnlySpan<byte> data, int wordIndex)
    {
        var word = data.Slice(wordIndex * 32, 32);
        if (word[..24].ContainsAnyExcept((byte)0))
        {
            throw new FormatException("ABI word does not fit in 64 bits.");
        }

        return BinaryPrimitives.ReadUInt64BigEndian(word.Slice(24, 8));
    }

    /// <summary>Encodes <c>selector(array1, array2, ...)</c> where every argument is a dynamic array of 32-byte words.</summary>
    public static byte[] EncodeWordArrays(byte[] selector, IReadOnlyList<Action<Span<byte>, int>> writers, int length)
    {
        var headWords = writers.Count;
        var arrayWords = 1 + length;
        var data = new byte[4 + (32 * (headWords + (writers.Count * arrayWords)))];
        selector.CopyTo(data, 0);
        var body = data.AsSpan(4);
        for (var a = 0; a < writers.Count; a++)
        {
            var offset = 32 * (headWords + (a * arrayWords));
            WriteUInt(body.Slice(a * 32, 32), (ulong)offset);
            WriteUInt(body.Slice(offset, 32), (ulong)length);
            for (var i = 0; i < length; i++)
            {
                writers[a](body.Slice(offset + 32 + (i * 32), 32), i);
            }
        }

        return data;
    }
}
