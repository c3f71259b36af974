using System.Numerics;
using Nethereum.Model;
using Nethereum.Util;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Keys;

/// <summary>A transaction to sign. <see cref="To"/> is null for a contract creation.</summary>
internal sealed record UnsignedTransaction(long Nonce, string? To, byte[] Data, long GasLimit, BigInteger GasPrice, BigInteger Value)
{
    /// <summary>When set, an EIP-1559 (type 2) transaction with this priority fee and <see cref="GasPrice"/> as max fee.</summary>
    public BigInteger? MaxPriorityFeePerGas { get; init; }
}

/// <summary>A signed transaction ready for eth_sendRawTransaction.</summary>
internal sealed record SignedTransactionBytes(long Nonce, string RawHex, string Hash);

/// <summary>
/// Signs transactions with NBitcoin.Secp256k1 and encodes them with Nethereum.Model's RLP. Nethereum's own signer
/// goes through BouncyCastle and costs milliseconds per transaction; this path is an order of magnitude faster and
/// produces the same bytes (RFC 6979 deterministic nonces, low-S), which a test checks.
/// </summary>
internal sealed class TransactionSigner(SigningKey key, long chainId)
{
    public string Address => key.Address;

    /// <summary>The key itself, for the other things the control plane signs with its identity (verifiable credentials).</summary>
    public SigningKey Key => key;

    public long ChainId => chainId;

    public SignedTransactionBytes Sign(UnsignedTransaction tx)
    {
        var data = tx.Data.Length == 0 ? null : Hex.Bytes(tx.Data);
        byte[] raw;
        if (tx.MaxPriorityFeePerGas is { } priority)
        {
            var typed = new Transaction1559(chainId, tx.Nonce, priority, tx.GasPrice, tx.GasLimit, tx.To ?? string.Empty, tx.Value, data, []);
            var (r, s, recoveryId) = key.Sign(Sha3Keccack.Current.CalculateHash(typed.GetRLPEncodedRaw()));
            typed.SetSignature(new Signature(r, s, recoveryId == 0 ? [] : [(byte)recoveryId]));
            raw = typed.GetRLPEncoded();
        }
        else
        {
            var legacy = new LegacyTransactionChainId(tx.To ?? string.Empty, tx.Value, tx.Nonce, tx.GasPrice, tx.GasLimit, data ?? string.Empty, chainId);
            var (r, s, recoveryId) = key.Sign(legacy.RawHash);
            // EIP-155: v = recovery id + chainId * 2 + 35.
            var v = new BigInteger(recoveryId) + (new BigInteger(chainId) * 2) + 35;
            legacy.SetSignature(new Signature(r, s, v.ToByteArray(isUnsigned: true, isBigEndian: true)));
            raw = legacy.GetRLPEncoded();
        }

        return new SignedTransactionBytes(tx.Nonce, Hex.Bytes(raw), Hex.Bytes(Sha3Keccack.Current.CalculateHash(raw)));
    }
}
