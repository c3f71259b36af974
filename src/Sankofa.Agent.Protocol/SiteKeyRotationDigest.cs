using System.Buffers.Binary;
using System.Text;
using Nethereum.Util;
using Sankofa.Core.Agents;

namespace Sankofa.Agent.Protocol;

/// <summary>
/// What a site's current key signs to hand the site over to a new key: the ResourceRegistry contract's
/// <c>siteKeyRotationDigest(site, oldKey, newKey)</c>,
/// <c>keccak256(abi.encode(SITE_KEY_ROTATION_TAG, registry, chainId, keccak256(siteId), oldKey, newKey))</c> with
/// <c>SITE_KEY_ROTATION_TAG = keccak256("sankofa.site-key-rotation.v1")</c>, signed Ethereum signed-message style
/// (EIP-191, <see cref="SiteSignatures.Signer"/>). Its own tag keeps a rotation consent from passing for a proof of
/// possession or a link signature. A public format (docs/agent.md), checkable with <c>cast</c> and the chain alone.
/// </summary>
public static class SiteKeyRotationDigest
{
    /// <summary>The text whose keccak-256 is the domain tag.</summary>
    public const string TagText = "sankofa.site-key-rotation.v1";

    private static readonly byte[] TagHash = Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(TagText));

    /// <summary>The 32-byte digest by which <paramref name="oldKey"/> hands <paramref name="siteId"/> over to <paramref name="newKey"/> on one contract of one chain.</summary>
    /// <param name="registry">The ResourceRegistry contract's address.</param>
    /// <param name="chainId">The chain's id.</param>
    /// <param name="siteId">The site, as the catalog names it.</param>
    /// <param name="oldKey">The site's current key's address (the signer).</param>
    /// <param name="newKey">The new key's address.</param>
    public static byte[] Compute(string registry, long chainId, string siteId, string oldKey, string newKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(siteId);
        ArgumentOutOfRangeException.ThrowIfNegative(chainId);
        // abi.encode: six 32-byte words, addresses and the chain id right-aligned.
        var words = new byte[6 * 32];
        TagHash.CopyTo(words, 0);
        Address(registry, nameof(registry)).CopyTo(words, 32 + 12);
        BinaryPrimitives.WriteInt64BigEndian(words.AsSpan(64 + 24, 8), chainId);
        Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(siteId)).CopyTo(words, 96);
        Address(oldKey, nameof(oldKey)).CopyTo(words, 128 + 12);
        Address(newKey, nameof(newKey)).CopyTo(words, 160 + 12);
        return Sha3Keccack.Current.CalculateHash(words);
    }

    private static byte[] Address(string address, string name) =>
        AgentAddress.IsValid(address) ? Convert.FromHexString(address.AsSpan(2)) : throw new ArgumentException($"'{address}' is not a 0x-prefixed 20-byte address.", name);
}
