using Sankofa.Core.Ledger;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Contracts;

/// <summary>Call data and decoders for contracts/AuditAnchor.sol.</summary>
internal static class AuditAnchorContract
{
    private static readonly byte[] AnchorManySelector = Abi.Selector("anchorMany(uint64[],bytes32[],uint64[],uint32[])");
    private static readonly byte[] RootsOfSelector = Abi.Selector("rootsOf(uint64[])");

    /// <summary>keccak("Anchored(uint64,bytes32,uint64,uint32)"), the first topic of the Anchored event.</summary>
    public static readonly string AnchoredTopic = Hex.Bytes(Abi.Topic("Anchored(uint64,bytes32,uint64,uint32)"));

    /// <summary>Gas for one anchorMany call: two fresh storage slots and an event per batch, plus calldata and the call itself.</summary>
    public static long EstimateAnchorManyGas(int batches) => 80_000 + (70_000L * batches);

    public static byte[] EncodeAnchorMany(IReadOnlyList<AnchorRequest> requests) =>
        Abi.EncodeWordArrays(
            AnchorManySelector,
            [
                (w, i) => Abi.WriteUInt(w, checked((ulong)requests[i].BatchId)),
                (w, i) => requests[i].Root.CopyTo(w),
                (w, i) => Abi.WriteUInt(w, checked((ulong)requests[i].FirstSequence)),
                (w, i) => Abi.WriteUInt(w, checked((uint)requests[i].Count)),
            ],
            requests.Count);

    public static byte[] EncodeRootsOf(IReadOnlyList<long> batchIds) =>
        Abi.EncodeWordArrays(RootsOfSelector, [(w, i) => Abi.WriteUInt(w, checked((ulong)batchIds[i]))], batchIds.Count);

    /// <summary>Decodes rootsOf's Batch[] (a dynamic array of static 4-word tuples); zero roots mean "absent" and are left out.</summary>
    public static void DecodeRootsOf(IReadOnlyList<long> batchIds, ReadOnlySpan<byte> data, IDictionary<long, OnChainRoot> into)
    {
        var offset = (int)Abi.ReadUInt64(data, 0);
        var body = data[offset..];
        var length = (int)Abi.ReadUInt64(body, 0);
        if (length != batchIds.Count)
        {
            throw new FormatException($"rootsOf returned {length} records for {batchIds.Count} ids.");
        }

        for (var i = 0; i < length; i++)
        {
            var tuple = body.Slice(32 + (i * 128), 128);
            var root = tuple[..32];
            if (!root.ContainsAnyExcept((byte)0))
            {
                continue;
            }

            into[batchIds[i]] = new OnChainRoot(
                batchIds[i],
                root.ToArray(),
                checked((long)Abi.ReadUInt64(tuple, 1)),
                checked((int)Abi.ReadUInt64(tuple, 2)),
                checked((long)Abi.ReadUInt64(tuple, 3)));
        }
    }

    /// <summary>Reads an Anchored log: batch id from topic 1, root/firstSequence/count from data.</summary>
    public static (long BatchId, byte[] Root) DecodeAnchored(string topic1, string data)
    {
        var id = (long)Abi.ReadUInt64(Hex.ToBytes(topic1), 0);
        var bytes = Hex.ToBytes(data);
        return (id, bytes[..32]);
    }

    public static string BatchIdTopic(long batchId)
    {
        var word = new byte[32];
        Abi.WriteUInt(word, checked((ulong)batchId));
        return Hex.Bytes(word);
    }
}
