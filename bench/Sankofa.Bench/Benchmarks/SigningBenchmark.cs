using System.Diagnostics;
using System.Numerics;
using System.Security.Cryptography;
using Sankofa.Bench.Chain;
using Sankofa.Bench.Harness;
using Sankofa.Ledger.Keys;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// Where a transaction's signing time goes: the whole <see cref="TransactionSigner.Sign"/> (RLP, keccak, secp256k1, hex)
/// against the bare secp256k1 signature of a hash, which is its floor. Single thread, no chain.
/// </summary>
internal static class SigningBenchmark
{
    public static void Run(int transactions)
    {
        Report.Section($"2b. Signing one anchor() transaction: {transactions:N0} signatures");
        using var key = SigningKey.Generate();
        var signer = new TransactionSigner(key, 31337);
        var data = RawSender.EncodeAnchor(1, RandomNumberGenerator.GetBytes(32), 1, 4096);
        var hash = RandomNumberGenerator.GetBytes(32);
        for (var i = 0; i < transactions / 10; i++)
        {
            signer.Sign(new UnsignedTransaction(i, "0x5FbDB2315678afecb367f032d93F642f64180aa3", data, 150_000, 2_000_000_000, BigInteger.Zero));
            key.Sign(hash);
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < transactions; i++)
        {
            signer.Sign(new UnsignedTransaction(i, "0x5FbDB2315678afecb367f032d93F642f64180aa3", data, 150_000, 2_000_000_000, BigInteger.Zero));
        }

        var full = clock.Elapsed.TotalMicroseconds / transactions;
        clock.Restart();
        for (var i = 0; i < transactions; i++)
        {
            key.Sign(hash);
        }

        var bare = clock.Elapsed.TotalMicroseconds / transactions;
        Report.Add(new Figure("sign one tx", full, "us", bare, "bare secp256k1 sign of a hash", null, GoalKind.AtMost));
    }
}
