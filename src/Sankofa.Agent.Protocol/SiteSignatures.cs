using NBitcoin.Secp256k1;
using Nethereum.Util;

namespace Sankofa.Agent.Protocol;

/// <summary>Who signed a digest, Ethereum signed-message style (EIP-191), as site keys sign registrations and links.</summary>
public static class SiteSignatures
{
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
