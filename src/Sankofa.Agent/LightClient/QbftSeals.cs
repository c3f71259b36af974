using NBitcoin.Secp256k1;

namespace Sankofa.Agent.LightClient;

/// <summary>
/// QBFT's finality, checked as Hyperledger Besu checks it (<c>BftBlockHashing</c>, <c>BftCommitSealsValidationRule</c>):
/// a block is final when at least a quorum, ceil(2n/3), of its n validators signed its commit-seal hash, each at most
/// once and none from outside the set.
/// </summary>
public static class QbftSeals
{
    /// <summary>Besu's QBFT quorum for <paramref name="validatorCount"/> validators: ceil(2n/3).</summary>
    public static int Quorum(int validatorCount) => ((2 * validatorCount) + 2) / 3;

    /// <summary>
    /// The block hash of a QBFT header, which the node reports and the next block names as its parent: keccak-256 of the
    /// header whose extraData has no seals and round zero (so the hash is fixed before the seals are gathered). The
    /// genesis header is hashed with its extraData as it is.
    /// </summary>
    public static byte[] BlockHash(BlockHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return header.Number == 0 ? header.ComputeHash() : Rlp.Keccak(header.Encode(QbftExtraData.WithoutSeals(header.ExtraData, keepRound: false)));
    }

    /// <summary>What each validator signs to commit the block: keccak-256 of the header whose extraData has no seals but keeps its round.</summary>
    public static byte[] CommitSealHash(BlockHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return Rlp.Keccak(header.Encode(QbftExtraData.WithoutSeals(header.ExtraData, keepRound: true)));
    }

    /// <summary>
    /// Checks that a quorum of <paramref name="validators"/> sealed <paramref name="header"/> and returns who did, in seal order.
    /// </summary>
    /// <param name="header">A QBFT header.</param>
    /// <param name="validators">The validators trusted for this block (0x-prefixed hex addresses).</param>
    /// <exception cref="ChainVerificationException">
    /// A seal does not recover, is by an address outside <paramref name="validators"/>, repeats a validator, or too few
    /// validators sealed.
    /// </exception>
    public static IReadOnlyList<string> VerifyCommitSeals(BlockHeader header, IReadOnlyCollection<string> validators)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(validators);
        if (validators.Count == 0)
        {
            throw new ChainVerificationException($"block {header.Number}: no validators to check its seals against.");
        }

        var members = validators.Select(v => v.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var extra = QbftExtraData.Decode(header.ExtraData);
        var hash = CommitSealHash(header);
        var committers = new List<string>(extra.CommittedSeals.Count);
        foreach (var seal in extra.CommittedSeals)
        {
            var signer = Signer(seal, hash)
                ?? throw new ChainVerificationException($"block {header.Number}: committed seal {committers.Count + 1} is not a valid signature.");
            if (!members.Contains(signer))
            {
                throw new ChainVerificationException($"block {header.Number}: committed seal {committers.Count + 1} is by {signer}, which is not one of its {members.Count} validators.");
            }

            if (committers.Contains(signer))
            {
                throw new ChainVerificationException($"block {header.Number}: {signer} sealed it more than once.");
            }

            committers.Add(signer);
        }

        var quorum = Quorum(members.Count);
        return committers.Count >= quorum
            ? committers
            : throw new ChainVerificationException($"block {header.Number}: {committers.Count} of its {members.Count} validators sealed it; QBFT needs {quorum}.");
    }

    /// <summary>The address whose key made <paramref name="seal"/> (r ‖ s ‖ recovery id) over <paramref name="hash"/>, or null.</summary>
    internal static string? Signer(byte[] seal, byte[] hash)
    {
        if (seal.Length != QbftExtraData.SealLength || seal[64] > 1
            || !SecpRecoverableECDSASignature.TryCreateFromCompact(seal.AsSpan(0, 64), seal[64], out var signature)
            || !ECPubKey.TryRecover(Context.Instance, signature, hash, out var key))
        {
            return null;
        }

        Span<byte> uncompressed = stackalloc byte[65];
        key.WriteToSpan(false, uncompressed, out _);
        return "0x" + Convert.ToHexStringLower(Rlp.Keccak(uncompressed[1..].ToArray()).AsSpan(12));
    }
}
