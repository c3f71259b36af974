using System.Buffers.Binary;
using System.Text;
using NBitcoin.Secp256k1;
using Nethereum.Util;

namespace Sankofa.Agent.Protocol;

/// <summary>
/// What a site's key signs to open the link, and how the control plane checks it. The link digest is
/// <c>keccak256(abi.encode(keccak256("sankofa.agent-link.v1"), chainId, registry, keccak256(site), nonce))</c>: bound to
/// this protocol, the chain and the ResourceRegistry that records the site's key, the site, and the control plane's fresh
/// 32-byte nonce, so a signature opens one link once. It is signed Ethereum signed-message style (EIP-191), as the
/// site's attestations are, so <c>cast wallet verify</c> checks it too.
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

    /// <summary>Signs <paramref name="digest"/> with a site's secp256k1 key: r ‖ s ‖ v (65 bytes, v = 27 or 28).</summary>
    public static byte[] Sign(ReadOnlySpan<byte> sitePrivateKey, ReadOnlySpan<byte> digest)
    {
        if (!ECPrivKey.TryCreate(sitePrivateKey, out var key))
        {
            throw new ArgumentException("Not a valid secp256k1 private key.", nameof(sitePrivateKey));
        }

        using (key)
        {
            if (!key.TrySignRecoverable(SignedMessageHash(digest), out var signature) || signature is null)
            {
                throw new InvalidOperationException("secp256k1 signing failed.");
            }

            signature.Deconstruct(out var r, out var s, out var recoveryId);
            var bytes = new byte[65];
            r.WriteToSpan(bytes.AsSpan(0, 32));
            s.WriteToSpan(bytes.AsSpan(32, 32));
            bytes[64] = (byte)(27 + recoveryId);
            return bytes;
        }
    }

    /// <summary>The address (0x-prefixed, lower case) whose key made <paramref name="signature"/> over <paramref name="digest"/>, or null when none did.</summary>
    public static string? Signer(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 65 || signature[64] is not (27 or 28)
            || !SecpRecoverableECDSASignature.TryCreateFromCompact(signature[..64], signature[64] - 27, out var recoverable)
            || !ECPubKey.TryRecover(Context.Instance, recoverable, SignedMessageHash(digest), out var key))
        {
            return null;
        }

        return AddressOf(key);
    }

    /// <summary>The address (0x-prefixed, lower case) of a site key.</summary>
    public static string AddressOf(ReadOnlySpan<byte> sitePrivateKey)
    {
        if (!ECPrivKey.TryCreate(sitePrivateKey, out var key))
        {
            throw new ArgumentException("Not a valid secp256k1 private key.", nameof(sitePrivateKey));
        }

        using (key)
        {
            return AddressOf(key.CreatePubKey());
        }
    }

    private static string AddressOf(ECPubKey key)
    {
        Span<byte> uncompressed = stackalloc byte[65];
        key.WriteToSpan(false, uncompressed, out _);
        return "0x" + Convert.ToHexStringLower(Keccak(uncompressed[1..].ToArray()).AsSpan(12, 20));
    }

    // keccak256("\x19Ethereum Signed Message:\n32" ‖ digest), as OpenZeppelin's MessageHashUtils.toEthSignedMessageHash.
    private static byte[] SignedMessageHash(ReadOnlySpan<byte> digest) =>
        digest.Length == 32
            ? Keccak([.. "\u0019Ethereum Signed Message:\n32"u8, .. digest])
            : throw new ArgumentException("The digest is 32 bytes.", nameof(digest));

    private static byte[] Keccak(byte[] data) => Sha3Keccack.Current.CalculateHash(data);
}
