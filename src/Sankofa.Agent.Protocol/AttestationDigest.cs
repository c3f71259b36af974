using System.Buffers.Binary;
using System.Text;
using Nethereum.Util;
using Sankofa.Core.Agents;

namespace Sankofa.Agent.Protocol;

/// <summary>
/// What a site key signs to attest what runs: the ResourceRegistry contract's <c>attestationDigest(resourceId, specHash)</c>,
/// <c>keccak256(abi.encode(registry, chainId, keccak256(resourceId), specHash, siteAttestationsOf(resourceId)))</c>, signed
/// Ethereum signed-message style (EIP-191) as <c>attest</c> recovers it. The count makes each signature good for one
/// change of the record: the agent reads it (proven) from the chain before signing.
/// </summary>
public static class AttestationDigest
{
    /// <summary>The 32-byte digest the site key signs for <paramref name="resourceId"/> running <paramref name="specHash"/>.</summary>
    /// <param name="registry">The ResourceRegistry contract's address.</param>
    /// <param name="chainId">The chain's id.</param>
    /// <param name="resourceId">The resource, as Sankofa names it (the chain keeps keccak-256 of its UTF-8 bytes).</param>
    /// <param name="specHash">The spec hash of what the site's hypervisor runs, 32 bytes.</param>
    /// <param name="count">The resource's count of accepted site attestations (<c>siteAttestationsOf</c>).</param>
    public static byte[] Compute(string registry, long chainId, string resourceId, byte[] specHash, uint count)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceId);
        ArgumentNullException.ThrowIfNull(specHash);
        ArgumentOutOfRangeException.ThrowIfNegative(chainId);
        if (specHash.Length != 32)
        {
            throw new ArgumentException("A spec hash is 32 bytes.", nameof(specHash));
        }

        if (!AgentAddress.IsValid(registry))
        {
            throw new ArgumentException($"'{registry}' is not a 0x-prefixed 20-byte address.", nameof(registry));
        }

        // abi.encode of five static words: the address, chain id and count right-aligned.
        var words = new byte[5 * 32];
        Convert.FromHexString(registry.AsSpan(2)).CopyTo(words, 12);
        BinaryPrimitives.WriteInt64BigEndian(words.AsSpan(32 + 24, 8), chainId);
        Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(resourceId)).CopyTo(words, 2 * 32);
        specHash.CopyTo(words, 3 * 32);
        BinaryPrimitives.WriteUInt32BigEndian(words.AsSpan((4 * 32) + 28, 4), count);
        return Sha3Keccack.Current.CalculateHash(words);
    }
}
