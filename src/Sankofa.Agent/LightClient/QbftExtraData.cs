using System.Buffers.Binary;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.RLP;

namespace Sankofa.Agent.LightClient;

/// <summary>A validator vote carried by a QBFT header: add (<c>0xff</c>) or drop (<c>0x00</c>) <paramref name="Recipient"/>.</summary>
/// <param name="Recipient">The address voted on, 0x-prefixed lower-case hex.</param>
/// <param name="Add">True to add it to the validators, false to drop it.</param>
public sealed record QbftVote(string Recipient, bool Add);

/// <summary>
/// The extraData of a QBFT block header, as Hyperledger Besu's <c>QbftExtraDataCodec</c> lays it out: the RLP list
/// [vanity (32 bytes), [validator addresses], vote (empty list, or [recipient, type]), round, [committed seals]].
/// Each committed seal is a 65-byte secp256k1 signature (r ‖ s ‖ recovery id 0 or 1).
/// </summary>
/// <param name="Vanity">The 32 vanity bytes.</param>
/// <param name="Validators">The validators' addresses, 0x-prefixed lower-case hex.</param>
/// <param name="Vote">The vote, or null when the header carries none.</param>
/// <param name="Round">The consensus round the block was committed in.</param>
/// <param name="CommittedSeals">The validators' commit seals.</param>
public sealed record QbftExtraData(byte[] Vanity, IReadOnlyList<string> Validators, QbftVote? Vote, int Round, IReadOnlyList<byte[]> CommittedSeals)
{
    /// <summary>Length of the vanity data.</summary>
    public const int VanityLength = 32;

    /// <summary>Length of a committed seal.</summary>
    public const int SealLength = 65;

    private const byte AddVote = 0xff;
    private const byte DropVote = 0x00;

    /// <summary>
    /// Decodes extraData. Both of Besu's QBFT encodings are read: the reference vectors' (Besu's first QBFT codec: the
    /// round in 4 bytes, no vote as the empty string, a drop vote as <c>0x00</c>) and Besu's since 21.x (the round as a
    /// minimal scalar, no vote as an empty list, a drop vote as the empty string). Anything else is refused, including
    /// RLP with bytes left over or lengths written long.
    /// </summary>
    /// <exception cref="ChainVerificationException">The bytes are not a QBFT extraData.</exception>
    public static QbftExtraData Decode(byte[] extraData)
    {
        var items = Items(extraData);
        var vanity = Rlp.Bytes(items[0], "QBFT vanity");
        if (vanity.Length != VanityLength)
        {
            throw new ChainVerificationException($"QBFT extraData: the vanity has {vanity.Length} bytes, expected {VanityLength}.");
        }

        var validators = Rlp.List(items[1], "QBFT validators").Select(v => Rlp.Bytes(v, "QBFT validator")).ToList();
        // No vote is the empty string in the reference vectors (Besu's first QBFT codec) and the empty list in Besu's own.
        var vote = items[2] is RLPCollection voteItems
            ? voteItems.Select(v => Rlp.Bytes(v, "QBFT vote")).ToList()
            : Rlp.Bytes(items[2], "QBFT vote") is [] ? null : throw new ChainVerificationException("QBFT extraData: the vote is neither a list nor empty.");
        var round = Rlp.Bytes(items[3], "QBFT round");
        if (round.Length > sizeof(int) || (round.Length == sizeof(int) && round[0] >= 0x80))
        {
            throw new ChainVerificationException($"QBFT extraData: the round 0x{Convert.ToHexStringLower(round)} is not a 4-byte non-negative integer.");
        }

        var seals = Rlp.List(items[4], "QBFT committed seals").Select(s => Rlp.Bytes(s, "QBFT committed seal")).ToList();
        if (seals.FirstOrDefault(s => s.Length != SealLength) is { } bad)
        {
            throw new ChainVerificationException($"QBFT extraData: a committed seal has {bad.Length} bytes, expected {SealLength}.");
        }

        // Nethereum's decoder forgives bytes left over and lengths written long: re-encoding the items as read must give
        // back every byte.
        var canonical = Rlp.EncodeList([
            Rlp.EncodeElement(vanity), Rlp.EncodeList(validators.Select(Rlp.EncodeElement)),
            vote is null ? Rlp.EncodeElement([]) : Rlp.EncodeList(vote.Select(Rlp.EncodeElement)),
            Rlp.EncodeElement(round), Rlp.EncodeList(seals.Select(Rlp.EncodeElement)),
        ]);
        if (!canonical.AsSpan().SequenceEqual(extraData))
        {
            throw new ChainVerificationException("QBFT extraData is not canonical RLP.");
        }

        return new QbftExtraData(
            vanity, [.. validators.Select(v => Address(v, "a QBFT validator"))], DecodeVote(vote), round.Aggregate(0, (value, b) => (value << 8) | b), seals);
    }

    /// <summary>
    /// Encodes as the QBFT reference vectors do (Besu's first QBFT codec): the round as a 4-byte big-endian integer, no
    /// vote as the empty string, a drop vote as <c>0x00</c>. Besu since 21.x writes the round as a minimal scalar and no
    /// vote as an empty list; <see cref="Decode"/> reads both, and the seal and block hashes keep the header's own bytes.
    /// </summary>
    public byte[] Encode()
    {
        var round = new byte[sizeof(int)];
        BinaryPrimitives.WriteInt32BigEndian(round, Round);
        var vote = Vote is null
            ? Rlp.EncodeElement([])
            : Rlp.EncodeList([Rlp.EncodeElement(Vote.Recipient.HexToByteArray()), Rlp.EncodeElement([Vote.Add ? AddVote : DropVote])]);
        return Rlp.EncodeList([
            Rlp.EncodeElement(Vanity),
            Rlp.EncodeList(Validators.Select(v => Rlp.EncodeElement(v.HexToByteArray()))),
            vote,
            Rlp.EncodeElement(round),
            Rlp.EncodeList(CommittedSeals.Select(Rlp.EncodeElement)),
        ]);
    }

    /// <summary>
    /// A genesis block's extraData: zero vanity, <paramref name="validators"/> in the order given (Besu's own generator
    /// keeps its order too; from block 1 on Besu lists the validators sorted), no vote, round 0, no seals.
    /// </summary>
    /// <exception cref="ArgumentException">A validator is not an address of 0x and 40 hex digits.</exception>
    public static QbftExtraData Genesis(IEnumerable<string> validators)
    {
        ArgumentNullException.ThrowIfNull(validators);
        var addresses = validators.Select(v => v is { Length: 42 } && v.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && v.Skip(2).All(char.IsAsciiHexDigit)
            ? v.ToLowerInvariant()
            : throw new ArgumentException($"'{v}' is not an address (0x and 40 hex digits).", nameof(validators))).ToList();
        return new QbftExtraData(new byte[VanityLength], addresses, null, 0, []);
    }

    /// <summary>
    /// Encodes as Besu's <c>QbftExtraDataCodec</c> writes it since 21.x: the round as a minimal scalar (round 0 is the
    /// empty string), no vote as an empty list, a drop vote as the empty string. Besu reads a genesis file's extraData with
    /// that codec, which takes no vote only as an empty list, so a genesis must be written this way, not with
    /// <see cref="Encode"/>.
    /// </summary>
    public byte[] EncodeAsBesu()
    {
        var round = new byte[sizeof(int)];
        BinaryPrimitives.WriteInt32BigEndian(round, Round);
        var vote = Vote is null
            ? Rlp.EmptyList
            : Rlp.EncodeList([Rlp.EncodeElement(Vote.Recipient.HexToByteArray()), Rlp.EncodeElement(Vote.Add ? [AddVote] : [])]);
        return Rlp.EncodeList([
            Rlp.EncodeElement(Vanity),
            Rlp.EncodeList(Validators.Select(v => Rlp.EncodeElement(v.HexToByteArray()))),
            vote,
            Rlp.EncodeElement(round.AsSpan().TrimStart((byte)0).ToArray()),
            Rlp.EncodeList(CommittedSeals.Select(Rlp.EncodeElement)),
        ]);
    }

    /// <summary>
    /// <paramref name="extraData"/> with its committed seals replaced by an empty list and, when
    /// <paramref name="keepRound"/> is false, its round by zero: what Besu's <c>BftBlockHashing</c> puts in the header
    /// it hashes for the commit seal (round kept) and for the block hash (round zero). The other items keep their bytes.
    /// </summary>
    internal static byte[] WithoutSeals(byte[] extraData, bool keepRound)
    {
        Decode(extraData);
        var items = Items(extraData);
        var round = keepRound ? Rlp.Bytes(items[3], "QBFT round") : [];
        var vote = items[2] is RLPCollection list ? list.RLPData : Rlp.EncodeElement([]);
        return Rlp.EncodeList([Rlp.EncodeElement(Rlp.Bytes(items[0], "QBFT vanity")), items[1].RLPData, vote, Rlp.EncodeElement(round), Rlp.EmptyList]);
    }

    private static RLPCollection Items(byte[] extraData)
    {
        var items = Rlp.DecodeList(extraData, "QBFT extraData");
        return items.Count == 5
            ? items
            : throw new ChainVerificationException($"QBFT extraData has {items.Count} items, expected 5 (vanity, validators, vote, round, seals).");
    }

    private static QbftVote? DecodeVote(List<byte[]>? vote) => vote switch
    {
        null or [] => null,
        [var recipient, [AddVote]] => new QbftVote(Address(recipient, "the QBFT vote's recipient"), Add: true),
        [var recipient, [] or [DropVote]] => new QbftVote(Address(recipient, "the QBFT vote's recipient"), Add: false),
        [_, var type] => throw new ChainVerificationException($"QBFT extraData: the vote type 0x{Convert.ToHexStringLower(type)} is neither add (0xff) nor drop (0x00)."),
        _ => throw new ChainVerificationException("QBFT extraData: the vote is not [recipient, type]."),
    };

    private static string Address(byte[] bytes, string what) => bytes.Length == 20
        ? "0x" + Convert.ToHexStringLower(bytes)
        : throw new ChainVerificationException($"QBFT extraData: {what} has {bytes.Length} bytes, expected 20.");
}
