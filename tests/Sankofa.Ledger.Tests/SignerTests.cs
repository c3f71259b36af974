using System.Numerics;
using Nethereum.Signer;
using Sankofa.Ledger.Keys;

namespace Sankofa.Ledger.Tests;

public sealed class SignerTests
{
    private static readonly byte[] Secret = Convert.FromHexString("4c0883a69102937d6231471b5decb208c1b3d1f2e3a4b5c6d7e8f9a0b1c2d3e4");

    [Theory]
    [InlineData(31337L, 0L, "0x3535353535353535353535353535353535353535", "")]
    [InlineData(1337L, 7L, "0x00000000000000000000000000000000000000ff", "deadbeef")]
    [InlineData(2018L, 123456L, null, "6080604052")]
    public void FastLegacySigner_ProducesTheSameBytesAsNethereum(long chainId, long nonce, string? to, string data)
    {
        using var key = new SigningKey(Secret);
        var signer = new TransactionSigner(key, chainId);
        var tx = new UnsignedTransaction(nonce, to, Convert.FromHexString(data), 100_000, 2_000_000_000, BigInteger.Zero);

        var ours = signer.Sign(tx);
        var nethereum = new LegacyTransactionSigner().SignTransaction(Secret, new BigInteger(chainId), to ?? string.Empty, BigInteger.Zero, nonce, 2_000_000_000, 100_000, data);

        Assert.Equal(WithPrefix(nethereum), ours.RawHex);
        Assert.Equal(new EthECKey(Secret, true).GetPublicAddress(), key.Address);
    }

    [Theory]
    [InlineData(31337L, 0L, "0x3535353535353535353535353535353535353535", "")]
    [InlineData(1337L, 42L, "0x00000000000000000000000000000000000000ff", "deadbeef")]
    public void FastEip1559Signer_ProducesTheSameBytesAsNethereum(long chainId, long nonce, string to, string data)
    {
        using var key = new SigningKey(Secret);
        var signer = new TransactionSigner(key, chainId);
        var tx = new UnsignedTransaction(nonce, to, Convert.FromHexString(data), 100_000, 3_000_000_000, BigInteger.Zero) { MaxPriorityFeePerGas = 1_000_000_000 };

        var ours = signer.Sign(tx);
        var model = new Nethereum.Model.Transaction1559(chainId, nonce, 1_000_000_000, 3_000_000_000, 100_000, to, BigInteger.Zero, data.Length == 0 ? null : "0x" + data, []);
        var nethereum = new Transaction1559Signer().SignTransaction(Secret, model);

        Assert.Equal(WithPrefix(nethereum), ours.RawHex);
    }

    private static string WithPrefix(string hex) => hex.StartsWith("0x", StringComparison.Ordinal) ? hex : "0x" + hex;
}
