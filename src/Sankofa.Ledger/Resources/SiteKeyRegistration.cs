using System.Buffers;
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

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>
    /// keccak256(abi.encode(SITE_KEY_TAG, contract, chainId, keccak256(siteId), key)): what <paramref name="key"/> signs to
    /// prove its holder presents it for the site.
    /// </summary>
    public static byte[] Digest(string contract, long chainId, string siteId, string key) =>
        Encode(Tag, contract, chainId, siteId, [Address(key, nameof(key))]);

    /// <summary>
    /// keccak256(abi.encode(SITE_KEY_ROTATION_TAG, contract, chainId, keccak256(siteId), oldKey, newKey)): what the site's
    /// current key signs to hand the site over to <paramref name="newKey"/>.
    /// </summary>
    public static byte[] RotationDigest(string contract, long chainId, string siteId, string oldKey, string newKey) =>
        Encode(RotationTag, contract, chainId, siteId, [Address(oldKey, nameof(oldKey)), Address(newKey, nameof(newKey))]);

    /// <summary>The site key's proof of possession for <c>setSiteKey</c> (and the new key's for <c>rotateSiteKey</c>).</summary>
    /// <returns>r ‖ s ‖ v, with v = 27 or 28.</returns>
    public static byte[] Prove(ReadOnlySpan<byte> sitePrivateKey, string contract, long chainId, string siteId) =>
        SiteAttestation.Sign(sitePrivateKey, Digest(contract, chainId, siteId, SiteAttestation.AddressOf(sitePrivateKey)));

    /// <summary>The current key's consent to hand the site over to <paramref name="newKey"/>, for <c>rotateSiteKey</c>.</summary>
    /// <returns>r ‖ s ‖ v, with v = 27 or 28.</returns>
    public static byte[] ApproveRotation(ReadOnlySpan<byte> oldPrivateKey, string contract, long chainId, string siteId, string newKey) =>
        SiteAttestation.Sign(oldPrivateKey, RotationDigest(contract, chainId, siteId, SiteAttestation.AddressOf(oldPrivateKey), newKey));

    /// <summary><paramref name="value"/> when it is a 0x-prefixed 20-byte hex address, else an <see cref="ArgumentException"/> naming the parameter.</summary>
    internal static string Address(string value, string name) =>
        value is { Length: 42 } && value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && !value.AsSpan(2).ContainsAnyExcept(HexDigits)
            ? value
            : throw new ArgumentException($"Not an address (0x and 40 hex digits): '{value}'.", name);

    private static byte[] Encode(byte[] tag, string contract, long chainId, string siteId, string[] keys)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chainId);
        var words = new byte[32 * (4 + keys.Length)];
        var span = words.AsSpan();
        tag.CopyTo(span);
        Abi.WriteAddress(span[32..], Address(contract, nameof(contract)));
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
