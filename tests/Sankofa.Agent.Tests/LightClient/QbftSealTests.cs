using Nethereum.RLP;
using Sankofa.Agent.LightClient;

namespace Sankofa.Agent.Tests.LightClient;

/// <summary>QBFT commit seals checked as Besu checks them, on headers sealed with test validator keys.</summary>
public sealed class QbftSealTests
{
    private static readonly NBitcoin.Secp256k1.ECPrivKey[] Four = QbftTestChain.Validators(4);
    private static readonly string[] FourAddresses = [.. Four.Select(QbftTestChain.AddressOf)];

    private static BlockHeader Sealed(params NBitcoin.Secp256k1.ECPrivKey[] signers) =>
        QbftTestChain.Parse(QbftTestChain.Seal(QbftTestChain.Header(7, QbftTestChain.Hex(new byte[32]), Four, round: 2), signers));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 4)]
    [InlineData(6, 4)]
    [InlineData(7, 5)]
    [InlineData(10, 7)]
    public void The_quorum_is_the_ceiling_of_two_thirds_of_the_validators(int validators, int quorum)
    {
        Assert.Equal(quorum, QbftSeals.Quorum(validators));
    }

    [Fact]
    public void Three_seals_of_four_validators_are_a_quorum_and_name_the_committers()
    {
        var committers = QbftSeals.VerifyCommitSeals(Sealed(Four[0], Four[2], Four[3]), FourAddresses);

        Assert.Equal([FourAddresses[0], FourAddresses[2], FourAddresses[3]], committers);
    }

    [Fact]
    public void All_four_seals_pass()
    {
        Assert.Equal(4, QbftSeals.VerifyCommitSeals(Sealed(Four), FourAddresses).Count);
    }

    [Fact]
    public void Two_seals_of_four_validators_are_refused_as_short_of_the_quorum()
    {
        var error = Assert.Throws<ChainVerificationException>(() => QbftSeals.VerifyCommitSeals(Sealed(Four[0], Four[1]), FourAddresses));

        Assert.Contains("2 of its 4 validators sealed it; QBFT needs 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_seal_by_a_key_outside_the_validators_is_refused_even_beside_a_quorum()
    {
        var forger = QbftTestChain.Key(99);

        var error = Assert.Throws<ChainVerificationException>(() => QbftSeals.VerifyCommitSeals(Sealed(Four[0], Four[1], Four[2], forger), FourAddresses));

        Assert.Contains($"is by {QbftTestChain.AddressOf(forger)}, which is not one of its 4 validators", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_validator_sealing_twice_is_refused()
    {
        var error = Assert.Throws<ChainVerificationException>(() => QbftSeals.VerifyCommitSeals(Sealed(Four[0], Four[1], Four[1]), FourAddresses));

        Assert.Contains($"{FourAddresses[1]} sealed it more than once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_changed_after_sealing_breaks_the_seals()
    {
        var block = QbftTestChain.Seal(QbftTestChain.Header(7, QbftTestChain.Hex(new byte[32]), Four), Four[..3]);
        var changed = QbftTestChain.Parse(QbftTestChain.With(block, "stateRoot", QbftTestChain.Hex(new byte[32])));

        // The seals were made over another header: they recover to keys that are no validator's.
        var error = Assert.Throws<ChainVerificationException>(() => QbftSeals.VerifyCommitSeals(changed, FourAddresses));
        Assert.Contains("which is not one of its 4 validators", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seals_and_round_change_the_commit_seal_hash_input_but_not_the_block_hash()
    {
        var unsealed = QbftTestChain.Header(7, QbftTestChain.Hex(new byte[32]), Four, round: 0);
        var sealedLater = QbftTestChain.Seal(QbftTestChain.Header(7, QbftTestChain.Hex(new byte[32]), Four, round: 3), Four);

        // Besu's block hash leaves out the seals and the round, so every validator knows it before the seals are in.
        Assert.Equal(unsealed["hash"]!.GetValue<string>(), sealedLater["hash"]!.GetValue<string>());
        Assert.NotEqual(QbftSeals.CommitSealHash(QbftTestChain.Parse(unsealed)), QbftSeals.CommitSealHash(QbftTestChain.Parse(sealedLater)));
    }

    [Fact]
    public void Seals_made_in_one_round_do_not_count_for_a_header_claiming_another()
    {
        var block = QbftTestChain.Seal(QbftTestChain.Header(7, QbftTestChain.Hex(new byte[32]), Four, round: 1), Four[..3]);
        var extra = QbftExtraData.Decode(QbftTestChain.Parse(block).ExtraData);
        var otherRound = QbftTestChain.With(block, "extraData", QbftTestChain.Hex((extra with { Round = 2 }).Encode()));

        Assert.Throws<ChainVerificationException>(() => QbftSeals.VerifyCommitSeals(QbftTestChain.Parse(otherRound), FourAddresses));
    }

    [Fact]
    public void A_header_in_Besus_current_extra_data_form_is_sealed_and_hashed_over_its_own_bytes()
    {
        // Besu since 21.x: the round as a minimal scalar, no vote as an empty list (the vectors use neither).
        static string Extra(IEnumerable<byte[]> seals) => QbftTestChain.Hex(RLP.EncodeList(
            RLP.EncodeElement(new byte[32]),
            RLP.EncodeList([.. FourAddresses.Select(a => RLP.EncodeElement(Convert.FromHexString(a[2..])))]),
            [RLP.OFFSET_SHORT_LIST],
            RLP.EncodeElement([0x02]),
            RLP.EncodeList([.. seals.Select(RLP.EncodeElement)])));
        var unsealed = QbftTestChain.With(QbftTestChain.Header(7, QbftTestChain.Hex(new byte[32]), Four), "extraData", Extra([]));
        var sealHash = QbftSeals.CommitSealHash(QbftTestChain.Parse(unsealed));
        var block = QbftTestChain.With(unsealed, "extraData", Extra(Four[..3].Select(k => QbftTestChain.Sign(k, sealHash))));

        var header = QbftTestChain.Parse(block);
        var extra = QbftExtraData.Decode(header.ExtraData);

        Assert.Equal((2, null), (extra.Round, extra.Vote));
        Assert.Equal(3, QbftSeals.VerifyCommitSeals(header, FourAddresses).Count);
        Assert.Equal(unsealed["hash"]!.GetValue<string>(), block["hash"]!.GetValue<string>());
    }
}
