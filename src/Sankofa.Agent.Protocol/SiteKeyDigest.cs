using System.Buffers.Binary;
using System.Text;
using Nethereum.Util;
using Sankofa.Core.Agents;

namespace Sankofa.Agent.Protocol;

/// <summary>
/// What a site key signs to show that its holder presented it: the ResourceRegistry contract's
/// <c>siteKeyDigest(site, key)</c>, <c>keccak256(abi.encode(SITE_KEY_TAG, registry, chainId, keccak256(siteId), key))</c>
/// with <c>SITE_KEY_TAG = keccak256("sankofa.site-key.v1")</c>, signed Ethereum signed-message style (EIP-191; its signer is
/// <see cref="SiteSignatures.Signer"/>). A public format (docs/agent.md): anyone can check a registration with <c>cast</c>
/// and the chain alone.
/// </summary>
public static class SiteKeyDigest
{
    /// <summary>The text whose keccak-256 is the domain tag, so the signature can stand for no other message of the contract.</summary>
    public const string TagText = "sankofa.site-key.v1";

    private static readonly byte[] TagHash = Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(TagText));

    /// <summary>The 32-byte digest binding <paramref name="key"/> to <paramref name="siteId"/> on one contract of one chain.</summary>
    /// <param name="registry">The ResourceRegistry contract's address.</param>
    /// <param name="chainId">The chain's id.</param>
    /// <param name="siteId">The site, as the catalog names it.</param>
    /// <param name="key">The site key's address.</param>
    public static byte[] Compute(string registry, long chainId, string siteId, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(siteId);
        ArgumentOutOfRangeException.ThrowIfNegative(chainId);
        // abi.encode: five 32-byte words, addresses and the chain id right-aligned.
        var words = new byte[5 * 32];
        TagHash.CopyTo(words, 0);
        Address(registry, nameof(registry)).CopyTo(words, 32 + 12);
        BinaryPrimitives.WriteInt64BigEndian(words.AsSpan(64 + 24, 8), chainId);
        Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(siteId)).CopyTo(words, 96);
        Address(key, nameof(key)).CopyTo(words, 128 + 12);
        return Sha3Keccack.Current.CalculateHash(words);
    }

    private static byte[] Address(string address, string name) =>
        AgentAddress.IsValid(address) ? Convert.FromHexString(address.AsSpan(2)) : throw new ArgumentException($"'{address}' is not a 0x-prefixed 20-byte address.", name);
}
