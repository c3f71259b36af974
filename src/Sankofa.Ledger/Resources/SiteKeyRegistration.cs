using System.Text;
using Nethereum.Util;
using Sankofa.Ledger.Contracts;

namespace Sankofa.Ledger.Resources;

/// <summary>
/// What a site key signs to be registered or handed over on ResourceRegistry, computed as the contract does
/// (<c>siteKeyDigest</c>, <c>siteKeyRotationDigest</c>) so a site signs without asking the chain, and signed like an
/// attestation (EIP-191 personal-sign, <see cref="SiteAttestation.Sign"/>). Each digest starts with its own tag, so a
/// signature for one purpose is never valid for another, and covers the contract and the chain id, so it is valid on
/// no other deployment. docs/ledger.md gives the encoding and the <c>cast</c> commands that recompute it.
/// </summary>
public static class SiteKeyRegistration
{
    /// <summary>keccak256("sankofa.site-key.v1"), the contract's <c>SITE_KEY_TAG</c>.</summary>
    private static readonly byte[] Tag = Keccak("sankofa.site-key.v1");

    /// <summary>keccak256("sankofa.site-key-rotation.v1"), the contract's <c>SITE_KEY_ROTATION_TAG</c>.</summary>
    private static readonly byte[] RotationTag = Keccak("sankofa.site-key-rotation.v1");

    /// <summary>
    /// keccak256(abi.encode(SITE_KEY_TAG, contract, chainId, keccak256(siteId), key)): what <paramref name="key"/> signs to
    /// prove its holder presents it for the site.
    /// </summary>
    public static byte[] Digest(string contract, long chainId, string siteId, string key) =>
        Encode(Tag, contract, chainId, siteId, [key]);

    /// <summary>
    /// keccak256(abi.encode(SITE_KEY_ROTATION_TAG, contract, chainId, keccak256(siteId), oldKey, newKey)): what the site's
    /// current key signs to hand the site over to <paramref name="newKey"/>.
    /// </summary>
    public static byte[] RotationDigest(string contract, long chainId, string siteId, string oldKey, string newKey) =>
        Encode(RotationTag, contract, chainId, siteId, [oldKey, newKey]);

    /// <summary>The site key's proof of possession for <c>setSiteKey</c> (and the new key's for <c>rotateSiteKey</c>).</summary>
    /// <returns>r ‖ s ‖ v, with v = 27 or 28.</returns>
    public static byte[] Prove(ReadOnlySpan<byte> sitePrivateKey, string contract, long chainId, string siteId) =>
        SiteAttestation.Sign(sitePrivateKey, Digest(contract, chainId, siteId, SiteAttestation.AddressOf(sitePrivateKey)));

    /// <summary>The current key's consent to hand the site over to <paramref name="newKey"/>, for <c>rotateSiteKey</c>.</summary>
    /// <returns>r ‖ s ‖ v, with v = 27 or 28.</returns>
    public static byte[] ApproveRotation(ReadOnlySpan<byte> oldPrivateKey, string contract, long chainId, string siteId, string newKey) =>
        SiteAttestation.Sign(oldPrivateKey, RotationDigest(contract, chainId, siteId, SiteAttestation.AddressOf(oldPrivateKey), newKey));

    private static byte[] Encode(byte[] tag, string contract, long chainId, string siteId, string[] keys)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chainId);
        var words = new byte[32 * (4 + keys.Length)];
        var span = words.AsSpan();
        tag.CopyTo(span);
        Abi.WriteAddress(span[32..], contract);
        Abi.WriteUInt(span[64..], (ulong)chainId);
        LedgerIds.Of(siteId).CopyTo(span[96..]);
        for (var i = 0; i < keys.Length; i++)
        {
            Abi.WriteAddress(span[(128 + (32 * i))..], keys[i]);
        }

        return Sha3Keccack.Current.CalculateHash(words);
    }

    private static byte[] Keccak(string text) => Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(text));
}
