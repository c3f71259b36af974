using System.Buffers.Binary;
using System.Text;
using Nethereum.Util;

namespace Sankofa.Agent.Protocol;

/// <summary>
/// What a site's key signs to open the link, and how the control plane checks it. The link digest is
/// <c>keccak256(abi.encode(keccak256("sankofa.agent-link.v1"), chainId, registry, keccak256(site), nonce))</c>: bound to
/// this protocol, the chain and the ResourceRegistry that records the site's key, the site, and the control plane's fresh
/// 32-byte nonce, so a signature opens one link once. It is signed Ethereum signed-message style (EIP-191), as the
/// site's attestations are (<see cref="SiteSignatures.Signer"/> names the signer), so <c>cast wallet verify</c> checks it too.
/// </summary>
public static class LinkProof
{
    /// <summary>keccak256("sankofa.agent-link.v1"): separates these signatures from every other use of the site key.</summary>
    public static readonly byte[] Domain = Keccak(Encoding.UTF8.GetBytes("sankofa.agent-link.v1"));

    /// <summary>The link digest for a challenge.</summary>
    public static byte[] Digest(ulong chainId, string registry, string site, ReadOnlySpan<byte> nonce)
    {
        ArgumentException.ThrowIfNullOrEmpty(site);
        if (nonce.Length != 32)
        {
            throw new ArgumentException("The nonce is 32 bytes.", nameof(nonce));
        }

        var registryBytes = Convert.FromHexString(registry.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? registry[2..] : registry);
        if (registryBytes.Length != 20)
        {
            throw new ArgumentException("The registry is a 20-byte address.", nameof(registry));
        }

        // abi.encode of five static words: each value right-aligned in 32 bytes.
        var words = new byte[5 * 32];
        Domain.CopyTo(words, 0);
        BinaryPrimitives.WriteUInt64BigEndian(words.AsSpan(32 + 24), chainId);
        registryBytes.CopyTo(words, (2 * 32) + 12);
        Keccak(Encoding.UTF8.GetBytes(site)).CopyTo(words, 3 * 32);
        nonce.CopyTo(words.AsSpan(4 * 32));
        return Keccak(words);
    }

    private static byte[] Keccak(byte[] data) => Sha3Keccack.Current.CalculateHash(data);
}
