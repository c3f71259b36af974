using System.Text.Json;

namespace Sankofa.Agent.LightClient;

/// <summary>
/// An Ethereum block header as <c>eth_getBlockByNumber</c> returns its fields, with the hash the node claims for it.
/// Nothing here is trusted yet: <see cref="ComputeHash"/> is keccak-256 of the header's RLP encoding, which is what
/// the node's claimed hash and the next block's parent hash must be (on QBFT chains, <see cref="QbftSeals.BlockHash"/>).
/// </summary>
public sealed class BlockHeader
{
    // The header's fields in RLP order, each the byte string RLP encodes (quantities minimal big-endian); the fields of
    // later forks (London's base fee onwards) are present only when the node sent them, always as a prefix in order.
    private static readonly (string Name, int? Length, bool Quantity)[] Layout =
    [
        ("parentHash", 32, false), ("sha3Uncles", 32, false), ("miner", 20, false), ("stateRoot", 32, false),
        ("transactionsRoot", 32, false), ("receiptsRoot", 32, false), ("logsBloom", 256, false), ("difficulty", null, true),
        ("number", null, true), ("gasLimit", null, true), ("gasUsed", null, true), ("timestamp", null, true),
        ("extraData", null, false), ("mixHash", 32, false), ("nonce", 8, false),
        ("baseFeePerGas", null, true), ("withdrawalsRoot", 32, false), ("blobGasUsed", null, true), ("excessBlobGas", null, true),
        ("parentBeaconBlockRoot", 32, false), ("requestsHash", 32, false),
    ];

    private const int ParentHashIndex = 0;
    private const int StateRootIndex = 3;
    private const int ExtraDataIndex = 12;
    private const int ForkFieldsFrom = 15;

    private readonly byte[][] _fields;

    private BlockHeader(byte[][] fields, long number, byte[] claimedHash)
    {
        _fields = fields;
        Number = number;
        ClaimedHash = claimedHash;
    }

    /// <summary>The block number.</summary>
    public long Number { get; }

    /// <summary>The hash the node sent with the header (unproven until it matches the computed hash).</summary>
    public byte[] ClaimedHash { get; }

    /// <summary>Hash of the parent block's header.</summary>
    public byte[] ParentHash => _fields[ParentHashIndex];

    /// <summary>Root of the state trie after this block: what account proofs are checked against.</summary>
    public byte[] StateRoot => _fields[StateRootIndex];

    /// <summary>The extraData field (on QBFT chains, the RLP of <see cref="QbftExtraData"/>).</summary>
    public byte[] ExtraData => _fields[ExtraDataIndex];

    /// <summary>Reads a block object of <c>eth_getBlockByNumber</c>; a missing or malformed field is refused naming it.</summary>
    /// <exception cref="ChainVerificationException">The object is not a well-formed block header.</exception>
    public static BlockHeader FromJson(JsonElement block)
    {
        var what = RpcJson.Has(block, "number") ? $"block {RpcJson.Long(block, "number", "block")}" : "block";
        var fields = new List<byte[]>(Layout.Length);
        for (var i = 0; i < Layout.Length; i++)
        {
            var (name, length, quantity) = Layout[i];
            if (i >= ForkFieldsFrom && !RpcJson.Has(block, name))
            {
                // A later fork's field without this one would be encoded in the wrong position.
                if (Layout.Skip(i + 1).FirstOrDefault(f => RpcJson.Has(block, f.Name)) is { Name: { } later })
                {
                    throw new ChainVerificationException($"{what}: has {later} but not {name}, which comes before it in the header.");
                }

                break;
            }

            fields.Add(quantity ? RpcJson.Quantity(block, name, what) : RpcJson.Data(block, name, what, length));
        }

        return new BlockHeader([.. fields], RpcJson.Long(block, "number", what), RpcJson.Data(block, "hash", what, 32));
    }

    /// <summary>The header's RLP encoding, as hashed for its block hash.</summary>
    public byte[] Encode() => Encode(ExtraData);

    /// <summary>The header's RLP encoding with another extraData (QBFT hashes the header with parts of it left out).</summary>
    public byte[] Encode(byte[] extraData) =>
        Rlp.EncodeList(_fields.Select((field, i) => Rlp.EncodeElement(i == ExtraDataIndex ? extraData : field)));

    /// <summary>keccak-256 of <see cref="Encode()"/>: the block hash of a chain without seals in its header (anvil, Ethereum).</summary>
    public byte[] ComputeHash() => Rlp.Keccak(Encode());
}
