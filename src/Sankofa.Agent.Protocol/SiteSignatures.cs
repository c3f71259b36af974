using NBitcoin.Secp256k1;
using Nethereum.Util;

namespace Sankofa.Agent.Protocol;

/// <summary>Signs and checks digests Ethereum signed-message style (EIP-191), as site keys sign registrations, links and attestations.</summary>
public static class SiteSignatures
{
    /// <summary>
    /// Signs <paramref name="digest"/> (32 bytes) as <c>eth_sign</c> does: r ‖ s ‖ v over keccak256 of the EIP-191 prefix
    /// and the digest, s in the lower half of the order (as OpenZeppelin's ECDSA requires), v 27 or 28, the nonce per
    /// RFC 6979 (the same signature as Nethereum's <c>EthereumMessageSigner</c>). libsecp256k1's recoverable signature
    /// gives the recovery id with the signature: Nethereum recovers the public key once per candidate to find it, which
    /// was the costliest step of an agent's work per VM.
    /// </summary>
    /// <param name="privateKey">The 32-byte secret.</param>
    /// <param name="digest">The 32-byte digest.</param>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 32)
        {
            throw new ArgumentException("The digest must be 32 bytes.", nameof(digest));
        }

        if (!ECPrivKey.TryCreate(privateKey, Context.Instance, out var key))
        {
            throw new ArgumentException("Not a secp256k1 secret key.", nameof(privateKey));
        }

        using (key)
        {
            if (!key.TrySignRecoverable(SignedMessageHash(digest), out var signature) || signature is null)
            {
                throw new InvalidOperationException("secp256k1 could not sign the digest.");
            }

            var signed = new byte[65];
            signature.WriteToSpanCompact(signed.AsSpan(0, 64), out var recoveryId);
            signed[64] = (byte)(27 + recoveryId);
            return signed;
        }
    }

    /// <summary>The address (0x-prefixed, lower case) whose key made <paramref name="signature"/> (r ‖ s ‖ v) over <paramref name="digest"/>, or null when it is no valid signature.</summary>
    public static string? Signer(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        if (digest.Length != 32 || signature.Length != 65 || signature[64] is not (27 or 28)
            || !SecpRecoverableECDSASignature.TryCreateFromCompact(signature[..64], signature[64] - 27, out var recoverable)
            || !ECPubKey.TryRecover(Context.Instance, recoverable, SignedMessageHash(digest), out var key))
        {
            return null;
        }

        Span<byte> uncompressed = stackalloc byte[65];
        key.WriteToSpan(false, uncompressed, out _);
        return "0x" + Convert.ToHexStringLower(Sha3Keccack.Current.CalculateHash(uncompressed[1..].ToArray()).AsSpan(12, 20));
    }

    // keccak256("\x19Ethereum Signed Message:\n32" ‖ digest), as OpenZeppelin's MessageHashUtils.toEthSignedMessageHash.
    private static byte[] SignedMessageHash(ReadOnlySpan<byte> digest) =>
        Sha3Keccack.Current.CalculateHash([.. "\u0019Ethereum Signed Message:\n32"u8, .. digest]);
}
