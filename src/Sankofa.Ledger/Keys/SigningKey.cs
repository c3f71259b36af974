using NBitcoin.Secp256k1;
using Nethereum.Util;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Keys;

/// <summary>
/// The control plane's secp256k1 key. Holds the secret in memory only; ToString never shows it so an accidental
/// log line or exception message cannot leak it.
/// </summary>
internal sealed class SigningKey : IDisposable
{
    private readonly ECPrivKey _key;
    private readonly Lazy<string> _address;

    public SigningKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != 32 || !ECPrivKey.TryCreate(privateKey, out var key))
        {
            throw new ArgumentException("Not a valid secp256k1 private key.", nameof(privateKey));
        }

        _key = key;
        // Derived on first use: deriving the public key costs more than a signature, and a site key signs without it.
        _address = new Lazy<string>(() =>
        {
            Span<byte> pub = stackalloc byte[65];
            _key.CreatePubKey().WriteToSpan(false, pub, out _);
            var hash = Sha3Keccack.Current.CalculateHash(pub[1..].ToArray());
            return AddressUtil.Current.ConvertToChecksumAddress(Hex.Bytes(hash.AsSpan(12, 20)));
        });
    }

    /// <summary>EIP-55 checksummed address.</summary>
    public string Address => _address.Value;

    public static SigningKey Generate()
    {
        Span<byte> secret = stackalloc byte[32];
        while (true)
        {
            System.Security.Cryptography.RandomNumberGenerator.Fill(secret);
            if (ECPrivKey.TryCreate(secret, out var probe))
            {
                probe.Dispose();
                var key = new SigningKey(secret);
                secret.Clear();
                return key;
            }
        }
    }

    /// <summary>Signs a 32-byte hash; RFC 6979 nonces and low-S, as Ethereum requires and as Nethereum produces.</summary>
    public (byte[] R, byte[] S, int RecoveryId) Sign(ReadOnlySpan<byte> hash)
    {
        if (!_key.TrySignRecoverable(hash, out var signature) || signature is null)
        {
            throw new InvalidOperationException("secp256k1 signing failed.");
        }

        signature.Deconstruct(out var r, out var s, out var recoveryId);
        return (r.ToBytes(), s.ToBytes(), recoveryId);
    }

    /// <summary>The raw secret, for writing the keystore only.</summary>
    public byte[] ExportSecret()
    {
        var bytes = new byte[32];
        _key.WriteToSpan(bytes);
        return bytes;
    }

    public override string ToString() => $"SigningKey({Address})";

    public void Dispose() => _key.Dispose();
}
