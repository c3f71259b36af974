namespace Sankofa.Agent.LightClient;

/// <summary>Checks that headers are what they claim to be and follow one another.</summary>
public static class HeaderChain
{
    /// <summary>The hash of <paramref name="header"/> as the chain's consensus defines it, checked against the hash the node claimed.</summary>
    /// <exception cref="ChainVerificationException">The computed hash differs from the claimed one.</exception>
    public static byte[] VerifiedHash(BlockHeader header, ChainConsensus consensus)
    {
        ArgumentNullException.ThrowIfNull(header);
        var hash = consensus == ChainConsensus.Qbft ? QbftSeals.BlockHash(header) : header.ComputeHash();
        return hash.AsSpan().SequenceEqual(header.ClaimedHash)
            ? hash
            : throw new ChainVerificationException(
                $"block {header.Number}: its fields hash to 0x{Convert.ToHexStringLower(hash)}, not to the 0x{Convert.ToHexStringLower(header.ClaimedHash)} the node claims.");
    }

    /// <summary>Checks that <paramref name="child"/> directly follows the block whose verified hash is <paramref name="parentHash"/>.</summary>
    /// <exception cref="ChainVerificationException">The child's number or parent hash does not follow.</exception>
    public static void CheckLink(long parentNumber, byte[] parentHash, BlockHeader child)
    {
        ArgumentNullException.ThrowIfNull(parentHash);
        ArgumentNullException.ThrowIfNull(child);
        if (child.Number != parentNumber + 1 || !child.ParentHash.AsSpan().SequenceEqual(parentHash))
        {
            throw new ChainVerificationException(
                $"block {child.Number} (parent 0x{Convert.ToHexStringLower(child.ParentHash)}) does not follow block {parentNumber} (0x{Convert.ToHexStringLower(parentHash)}).");
        }
    }

    /// <summary>Checks every header's hash and that each follows the one before; returns the last header's hash.</summary>
    /// <param name="ascending">Consecutive headers, oldest first.</param>
    /// <param name="consensus">How the chain hashes its headers.</param>
    /// <exception cref="ChainVerificationException">A hash or a link does not check.</exception>
    public static byte[] CheckLinks(IReadOnlyList<BlockHeader> ascending, ChainConsensus consensus)
    {
        ArgumentNullException.ThrowIfNull(ascending);
        if (ascending.Count == 0)
        {
            throw new ArgumentException("No headers to check.", nameof(ascending));
        }

        var hash = VerifiedHash(ascending[0], consensus);
        for (var i = 1; i < ascending.Count; i++)
        {
            var childHash = VerifiedHash(ascending[i], consensus);
            CheckLink(ascending[i - 1].Number, hash, ascending[i]);
            hash = childHash;
        }

        return hash;
    }
}
