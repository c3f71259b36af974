using System.Diagnostics;
using System.Security.Cryptography;
using Sankofa.Bench.Chain;
using Sankofa.Bench.Harness;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// Contract transactions per second through the gateway, signing included: one <c>anchor</c> call per transaction,
/// all submitted at once, done when every receipt is in. Baseline: the same calls pre-signed (signing not timed) and
/// sent raw in the gateway's batches of 100, alternated with the gateway runs on the same anvil.
/// </summary>
internal static class TransactionBenchmark
{
    public const double GoalPerSecond = 2_000;
    public const double RatioGoal = 0.8;

    public static async Task RunAsync(int transactions, int rounds, CancellationToken cancellationToken)
    {
        Report.Section($"2. Contract transactions/s with signing: {rounds} x {transactions:N0} anchor() calls");
        var directory = Scratch.NewDirectory("tx");
        try
        {
            await using var host = await LedgerOnlyHost.StartAsync(directory).ConfigureAwait(false);
            var connection = host.Connection;
            using var raw = await RawSender.CreateAsync(connection, cancellationToken).ConfigureAwait(false);
            var gas = AuditAnchorContract.EstimateAnchorManyGas(1);
            var nextBatchId = 1L;

            List<(byte[] Data, long Gas)> Calls(int count) =>
                Enumerable.Range(0, count).Select(_ =>
                {
                    var id = nextBatchId++;
                    return (RawSender.EncodeAnchor(id, RandomRoot(), id * 4096, 4096), gas);
                }).ToList();

            async Task<double> GatewayAsync(int count, string label)
            {
                var calls = Calls(count);
                var clock = Stopwatch.StartNew();
                var receipts = await Task.WhenAll(calls.Select((c, i) =>
                    connection.Gateway.SendAsync(new TransactionRequest($"bench:{label}:{i}", connection.AuditAnchorAddress, c.Data, c.Gas), cancellationToken))).ConfigureAwait(false);
                var elapsed = clock.Elapsed;
                if (receipts.Any(r => !r.Succeeded))
                {
                    throw new InvalidOperationException("A gateway transaction reverted.");
                }

                return count / elapsed.TotalSeconds;
            }

            async Task<(double Rate, TimeSpan Signing)> RawAsync(int count)
            {
                var calls = Calls(count);
                var signing = Stopwatch.StartNew();
                var signed = await raw.SignAsync(calls, cancellationToken).ConfigureAwait(false);
                var signTime = signing.Elapsed;
                var elapsed = await raw.SendAsync(signed, cancellationToken).ConfigureAwait(false);
                return (count / elapsed.TotalSeconds, signTime);
            }

            await GatewayAsync(Math.Max(200, transactions / 5), "warm").ConfigureAwait(false);
            await RawAsync(Math.Max(200, transactions / 5)).ConfigureAwait(false);

            var gatewayRates = new List<double>();
            var rawRates = new List<double>();
            for (var r = 0; r < rounds; r++)
            {
                var gatewayRate = await GatewayAsync(transactions, $"round{r}").ConfigureAwait(false);
                var (rawRate, signing) = await RawAsync(transactions).ConfigureAwait(false);
                gatewayRates.Add(gatewayRate);
                rawRates.Add(rawRate);
                Report.Note($"round {r + 1}: gateway {gatewayRate:N0} tx/s, raw {rawRate:N0} tx/s "
                            + $"(signing {transactions:N0} took {signing.TotalMilliseconds:0} ms, {signing.TotalMicroseconds / transactions:0} us each, not timed in raw)");
            }

            Report.Add(new Figure(
                "gateway tx/s incl. signing",
                Stats.Median(gatewayRates),
                "tx/s",
                Stats.Median(rawRates),
                "pre-signed, eth_sendRawTransaction in batches of 100",
                GoalPerSecond,
                GoalKind.AtLeast,
                RatioGoal));
        }
        finally
        {
            Scratch.Delete(directory);
        }
    }

    private static byte[] RandomRoot()
    {
        var root = RandomNumberGenerator.GetBytes(32);
        root[0] |= 1;
        return root;
    }
}
