using Nethereum.Util;
using Sankofa.Ledger.Keys;

namespace Sankofa.Ledger.Resources;

/// <summary>
/// A site's side of a resource attestation: it signs the contract's attestation digest with its own key, Ethereum
/// signed-message style (EIP-191), and the control plane relays the 65-byte signature. Sites never need a funded account.
/// </summary>
public static class SiteAttestation
{
    /// <summary>Signs <paramref name="digest"/> (from <c>IResourceLedger.AttestationDigestAsync</c>) with a site's secp256k1 key.</summary>
    /// <returns>r ‖ s ‖ v, with v = 27 or 28.</returns>
    public static byte[] Sign(ReadOnlySpan<byte> sitePrivateKey, ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 32)
        {
            throw new ArgumentException("The digest must be 32 bytes.", nameof(digest));
        }

        using var key = new SigningKey(sitePrivateKey);
        var (r, s, recoveryId) = key.Sign(EthSignedMessageHash(digest));
        var signature = new byte[65];
        r.CopyTo(signature, 32 - r.Length);
        s.CopyTo(signature, 64 - s.Length);
        signature[64] = (byte)(27 + recoveryId);
        return signature;
    }

    /// <summary>The Ethereum address of a site key, to register with <c>IResourceLedger.RegisterSiteKeyAsync</c>.</summary>
    public static string AddressOf(ReadOnlySpan<byte> sitePrivateKey)
    {
        using var key = new SigningKey(sitePrivateKey);
        return key.Address;
    }

    // keccak256("\x19Ethereum Signed Message:\n32" ‖ digest), as OpenZeppelin's MessageHashUtils.toEthSignedMessageHash.
    private static byte[] EthSignedMessageHash(ReadOnlySpan<byte> digest) =>
        Sha3Keccack.Current.CalculateHash([.. "\u0019Ethereum Signed Message:\n32"u8, .. digest]);
}
