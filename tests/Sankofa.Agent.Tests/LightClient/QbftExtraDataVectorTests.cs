using System.Text.Json;
using Sankofa.Agent.LightClient;

namespace Sankofa.Agent.Tests.LightClient;

/// <summary>
/// The QBFT extraData reference vectors (ConsenSys/qbft-tests, as Besu's reference tests use them), read from the shared
/// reference folder at test time: every vector decodes to its listed fields and encodes back to its exact bytes.
/// </summary>
public sealed class QbftExtraDataVectorTests
{
    private static readonly JsonElement Vectors = JsonDocument.Parse(File.ReadAllText(Repository.SharedReference("qbft/bft_extra_data.json"))).RootElement;

    public static TheoryData<string> Names() => [.. Vectors.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void The_reference_file_holds_the_four_vectors()
    {
        Assert.Equal(4, Names().Count);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_reference_vector_decodes_to_its_fields_and_encodes_back_to_its_exact_bytes(string name)
    {
        var vector = Vectors.GetProperty(name);
        var rlp = Convert.FromHexString(vector.GetProperty("rlp").GetString()![2..]);
        var expected = vector.GetProperty("qbft_extra_data");

        var decoded = QbftExtraData.Decode(rlp);

        Assert.Equal(expected.GetProperty("vanityData").GetString(), QbftTestChain.Hex(decoded.Vanity));
        Assert.Equal(expected.GetProperty("validators").EnumerateArray().Select(v => v.GetString()), decoded.Validators);
        Assert.Equal(expected.GetProperty("round").GetInt32(), decoded.Round);
        Assert.Equal(expected.GetProperty("seals").EnumerateArray().Select(s => s.GetString()), decoded.CommittedSeals.Select(QbftTestChain.Hex));
        var vote = expected.GetProperty("vote");
        if (vote.ValueKind == JsonValueKind.Null)
        {
            Assert.Null(decoded.Vote);
        }
        else
        {
            Assert.Equal(vote.GetProperty("recipient").GetString(), decoded.Vote!.Recipient);
            Assert.Equal(vote.GetProperty("voteType").GetString() == "0xff", decoded.Vote.Add);
        }

        Assert.Equal(QbftTestChain.Hex(rlp), QbftTestChain.Hex(decoded.Encode()));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_reference_vector_in_besus_encoding_decodes_to_the_same_fields(string name)
    {
        var decoded = QbftExtraData.Decode(Convert.FromHexString(Vectors.GetProperty(name).GetProperty("rlp").GetString()![2..]));

        var besu = decoded.EncodeAsBesu();
        var again = QbftExtraData.Decode(besu);

        Assert.Equal(QbftTestChain.Hex(decoded.Vanity), QbftTestChain.Hex(again.Vanity));
        Assert.Equal(decoded.Validators, again.Validators);
        Assert.Equal(decoded.Vote, again.Vote);
        Assert.Equal(decoded.Round, again.Round);
        Assert.Equal(decoded.CommittedSeals.Select(QbftTestChain.Hex), again.CommittedSeals.Select(QbftTestChain.Hex));
        // Besu's codec differs from the vectors' only where 21.x changed it: the round 16702650 as a minimal scalar
        // (83 fedcba, not 84 00fedcba), no vote as an empty list (c0, not 80), a drop vote's type as the empty string.
        Assert.Contains(decoded.Vote is null ? "c083fedcba" : decoded.Vote.Add ? "81ff83fedcba" : "8083fedcba", QbftTestChain.Hex(besu), StringComparison.Ordinal);
    }

    [Fact]
    public void A_genesis_encodes_exactly_as_the_qbft_genesis_of_besus_documentation()
    {
        // extraData of the 4-validator genesis in Besu's QBFT documentation (besu-docs, "Create a private network using QBFT"):
        // [32 zero bytes, [validators], no vote (c0), round 0 (80), no seals (c0)].
        const string documented = "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f8549464a702e6263b7297a96638cac6ae65e6541f4169"
            + "943923390ad55e90c237593b3b0e401f3b08a0318594aefdb9a738c9f433e5b6b212a6d62f6370c2f69294c7eeb9a4e00ce683cf93039b212648e01c6c6b78c080c0";
        string[] validators =
        [
            "0x64a702e6263b7297a96638cac6ae65e6541f4169", "0x3923390ad55e90c237593b3b0e401f3b08a03185",
            "0xaefdb9a738c9f433e5b6b212a6d62f6370c2f692", "0xc7eeb9a4e00ce683cf93039b212648e01c6c6b78",
        ];

        var encoded = QbftExtraData.Genesis(validators).EncodeAsBesu();

        Assert.Equal(documented, QbftTestChain.Hex(encoded));
        var decoded = QbftExtraData.Decode(encoded);
        Assert.Equal(validators, decoded.Validators); // in the order given, unsorted, as Besu's generator writes them
        Assert.Null(decoded.Vote);
        Assert.Equal(0, decoded.Round);
        Assert.Empty(decoded.CommittedSeals);
    }

    [Fact]
    public void A_genesis_validator_that_is_not_an_address_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => QbftExtraData.Genesis(["0x1234"]));
        Assert.Contains("0x1234", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_data_with_bytes_after_the_list_is_refused()
    {
        var rlp = Convert.FromHexString(Vectors.GetProperty("qbft_extra_data_with_null_vote_and_empty_lists").GetProperty("rlp").GetString()![2..]);

        var error = Assert.Throws<ChainVerificationException>(() => QbftExtraData.Decode([.. rlp, 0x80]));
        Assert.Contains("not a single RLP list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_data_whose_round_is_longer_than_four_bytes_is_refused()
    {
        var extra = new QbftExtraData(new byte[32], [], null, 0, []);
        var encoded = extra.Encode();
        // Replace the 4-byte round (84 00000000) with a 5-byte one (85 0000000001); the list length grows by one.
        var round = Convert.FromHexString("8400000000");
        var at = encoded.AsSpan().IndexOf(round);
        byte[] longer = [(byte)(encoded[0] + 1), .. encoded[1..at], .. Convert.FromHexString("850000000001"), .. encoded[(at + round.Length)..]];

        var error = Assert.Throws<ChainVerificationException>(() => QbftExtraData.Decode(longer));
        Assert.Contains("round", error.Message, StringComparison.Ordinal);
    }
}
