using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NBitcoin.Secp256k1;
using Nethereum.Util;
using Sankofa.Agent.LightClient;

namespace Sankofa.Agent.Tests.LightClient;

/// <summary>
/// QBFT headers made and sealed the way Besu's validators do, with test validator keys (fixed secrets 1, 2, 3, …), for
/// the seal checks to be tried on: a header is built with the validators in its extraData, each signer signs its
/// commit-seal hash, and the seals go into the extraData. Blocks are JSON objects, as eth_getBlockByNumber gives them.
/// </summary>
internal static class QbftTestChain
{
    // QBFT headers carry this mixHash ("BFT mix hash"); it is only a plausible value here.
    private const string BftMixHash = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";

    public static ECPrivKey Key(int n)
    {
        var secret = new byte[32];
        secret[31] = (byte)n;
        secret[0] = 0x5a; // away from tiny scalars, still fixed
        Assert.True(ECPrivKey.TryCreate(secret, out var key));
        return key!;
    }

    public static string AddressOf(ECPrivKey key)
    {
        Span<byte> uncompressed = stackalloc byte[65];
        key.CreatePubKey().WriteToSpan(false, uncompressed, out _);
        return "0x" + Convert.ToHexStringLower(Sha3Keccack.Current.CalculateHash(uncompressed[1..].ToArray()).AsSpan(12));
    }

    /// <summary>Validator keys 1..<paramref name="count"/>, ordered by address as Besu keeps them.</summary>
    public static ECPrivKey[] Validators(int count) => [.. Enumerable.Range(1, count).Select(Key).OrderBy(AddressOf, StringComparer.Ordinal)];

    /// <summary>An unsealed header (round 0, no seals) listing <paramref name="validators"/>.</summary>
    public static JsonObject Header(long number, string parentHash, IEnumerable<ECPrivKey> validators, int round = 0)
    {
        var extra = new QbftExtraData(new byte[32], [.. validators.Select(AddressOf)], null, round, []);
        var block = new JsonObject
        {
            ["parentHash"] = parentHash,
            ["sha3Uncles"] = "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
            ["miner"] = AddressOf(Key(1)),
            ["stateRoot"] = Hash32(number, 1),
            ["transactionsRoot"] = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
            ["receiptsRoot"] = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
            ["logsBloom"] = "0x" + new string('0', 512),
            ["difficulty"] = "0x1",
            ["number"] = Quantity(number),
            ["gasLimit"] = "0x1fffffffffffff",
            ["gasUsed"] = "0x0",
            ["timestamp"] = Quantity(1_700_000_000 + number),
            ["extraData"] = Hex(extra.Encode()),
            ["mixHash"] = BftMixHash,
            ["nonce"] = "0x0000000000000000",
            ["baseFeePerGas"] = "0x0",
            ["hash"] = Hash32(0, 0),
        };
        block["hash"] = Hex(QbftSeals.BlockHash(Parse(block)));
        return block;
    }

    /// <summary>The header with the seals of <paramref name="signers"/> over its commit-seal hash (in that order), and its hash.</summary>
    public static JsonObject Seal(JsonObject block, IEnumerable<ECPrivKey> signers)
    {
        var header = Parse(block);
        var sealHash = QbftSeals.CommitSealHash(header);
        var seals = signers.Select(key => Sign(key, sealHash)).ToList();
        var extra = QbftExtraData.Decode(header.ExtraData) with { CommittedSeals = seals };
        return With(block, "extraData", Hex(extra.Encode()));
    }

    /// <summary>The block with <paramref name="field"/> set to <paramref name="value"/> and its hash recomputed (as a node that made it would report).</summary>
    public static JsonObject With(JsonObject block, string field, string value)
    {
        var copy = (JsonObject)block.DeepClone();
        copy[field] = value;
        copy["hash"] = Hex(QbftSeals.BlockHash(Parse(copy)));
        return copy;
    }

    /// <summary>A commit seal as Besu encodes it: r ‖ s ‖ recovery id.</summary>
    public static byte[] Sign(ECPrivKey key, byte[] hash)
    {
        Assert.True(key.TrySignRecoverable(hash, out var signature));
        signature!.Deconstruct(out var r, out var s, out var recoveryId);
        return [.. r.ToBytes(), .. s.ToBytes(), (byte)recoveryId];
    }

    public static BlockHeader Parse(JsonObject block) => BlockHeader.FromJson(JsonSerializer.SerializeToElement(block));

    public static string Hex(byte[] bytes) => "0x" + Convert.ToHexStringLower(bytes);

    private static string Quantity(long value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    private static string Hash32(long number, int salt) => Hex(Sha3Keccack.Current.CalculateHash(BitConverter.GetBytes((number * 31) + salt)));
}
