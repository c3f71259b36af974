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
