using NBitcoin.Secp256k1;
using Nethereum.Util;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;
using SHA256 = System.Security.Cryptography.SHA256;

namespace Sankofa.Ledger.Identity.Credentials;

/// <summary>
/// JWS ES256K (RFC 8812): ECDSA on secp256k1 over SHA-256 of the signing input, the signature as 64 bytes R ‖ S with
/// low S. Microsoft.IdentityModel has no secp256k1 curve, so this is done with the key the ledger signs with.
/// A did:ethr document publishes an address, not a public key: verification recovers the key from the signature and
/// compares its address (EcdsaSecp256k1RecoveryMethod2020).
/// </summary>
internal static class Es256K
{
    public const string Algorithm = "ES256K";

    public const int SignatureLength = 64;

    // n / 2 of secp256k1: a larger S is the malleated twin of a valid signature, which JWS ES256K and Ethereum refuse.
    private static readonly byte[] HalfOrder = Convert.FromHexString("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0");

    /// <summary>Signs the JWS signing input (ASCII of header.payload).</summary>
    public static byte[] Sign(SigningKey key, ReadOnlySpan<byte> signingInput)
    {
        var (r, s, _) = key.Sign(SHA256.HashData(signingInput));
        var signature = new byte[SignatureLength];
        r.CopyTo(signature.AsSpan(32 - r.Length));
        s.CopyTo(signature.AsSpan(SignatureLength - s.Length));
        return signature;
    }

    /// <summary>Whether S is in the lower half of the group order.</summary>
    public static bool IsLowS(ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureLength && signature[32..].SequenceCompareTo(HalfOrder) <= 0;

    /// <summary>Whether <paramref name="signature"/> over <paramref name="signingInput"/> was made by the key of <paramref name="address"/>.</summary>
    public static bool IsSignedBy(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> signingInput, string address)
    {
        if (!IsLowS(signature))
        {
            return false;
        }

        var hash = SHA256.HashData(signingInput);
        // The 64-byte form drops the recovery id; of the two candidates at most one key has this address.
        for (var recoveryId = 0; recoveryId < 2; recoveryId++)
        {
            if (SecpRecoverableECDSASignature.TryCreateFromCompact(signature, recoveryId, out var recoverable)
                && ECPubKey.TryRecover(Context.Instance, recoverable, hash, out var key)
                && string.Equals(AddressOf(key), address, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string AddressOf(ECPubKey key)
    {
        Span<byte> uncompressed = stackalloc byte[65];
        key.WriteToSpan(false, uncompressed, out _);
        var hash = Sha3Keccack.Current.CalculateHash(uncompressed[1..].ToArray());
        return Hex.Bytes(hash.AsSpan(12, 20));
    }
}
