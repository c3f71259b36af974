using System.Diagnostics;
using System.Globalization;
using Nethereum.Util;
using Sankofa.Agent.LightClient;
using Sankofa.Bench.Harness;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// Time for the agent's light client to verify one storage proof (<see cref="StateProofVerifier.VerifyStorage"/>: the
/// account proof against the state root, then the slot's proof against the account's storage root), on eth_getProof
/// answers of the embedded chain with the registry's storage and the state filled out. Baseline in the same run: bare
/// keccak-256 of the same proof's nodes, the floor of any check of it.
/// </summary>
internal static class LightClientBenchmark
{
    public const double GoalMilliseconds = 1;

    public static async Task RunAsync(int accounts, int slots, int iterations, CancellationToken cancellationToken)
    {
        Report.Section($"Light client: one storage proof (account + slot) among {accounts:N0} accounts and {slots:N0} registry slots, {iterations:N0} times");
        var directory = Scratch.NewDirectory("lightclient");
        try
        {
            await using var host = await LedgerOnlyHost.StartAsync(directory).ConfigureAwait(false);
            var rpc = host.Connection.Rpc;
            var registry = host.Connection.ResourceRegistryAddress;
            var random = new Random(13);
            string Word() => "0x" + Convert.ToHexStringLower(Bytes(random, 32));

            // Fill the state trie and the registry's storage trie so the proofs are as deep as a busy chain's.
            var storageSlots = Enumerable.Range(0, slots).Select(_ => Word()).ToList();
            var calls = Enumerable.Range(0, accounts).Select(_ => new JsonRpcCall("anvil_setBalance", "0x" + Convert.ToHexStringLower(Bytes(random, 20)), "0x1"))
                .Concat(storageSlots.Select(slot => new JsonRpcCall("anvil_setStorageAt", registry, slot, Word())))
                .ToList();
            foreach (var chunk in calls.Chunk(500))
            {
                if ((await rpc.BatchAsync(chunk, cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.Error is not null) is { Error: { } error })
                {
                    throw error;
                }
            }

            await rpc.CallAsync("evm_mine", cancellationToken).ConfigureAwait(false);
            var head = BlockHeader.FromJson(await rpc.CallAsync("eth_getBlockByNumber", cancellationToken, "latest", false).ConfigureAwait(false));
            var number = "0x" + head.Number.ToString("x", CultureInfo.InvariantCulture);
            var samples = new List<(byte[] Slot, AccountProof Proof)>();
            foreach (var slot in storageSlots.Take(200))
            {
                var answer = await rpc.CallAsync("eth_getProof", cancellationToken, registry, new[] { slot }, number).ConfigureAwait(false);
                samples.Add((Convert.FromHexString(slot[2..]), AccountProof.FromJson(answer)));
            }

            double[] Measure(Action<(byte[] Slot, AccountProof Proof)> action)
            {
                for (var i = 0; i < iterations / 10; i++)
                {
                    action(samples[random.Next(samples.Count)]);
                }

                var timings = new double[iterations];
                for (var i = 0; i < iterations; i++)
                {
                    var sample = samples[random.Next(samples.Count)];
                    var start = Stopwatch.GetTimestamp();
                    action(sample);
                    timings[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }

                return timings;
            }

            var verify = Measure(s => StateProofVerifier.VerifyStorage(head.StateRoot, registry, s.Slot, s.Proof));
            var keccak = Measure(s =>
            {
                foreach (var node in s.Proof.Nodes.Concat(s.Proof.Storage[0].Nodes))
                {
                    Sha3Keccack.Current.CalculateHash(node);
                }
            });

            var accountNodes = samples.Average(s => s.Proof.Nodes.Count);
            var storageNodes = samples.Average(s => s.Proof.Storage[0].Nodes.Count);
            Report.Note($"proofs of {accountNodes:0.0} account + {storageNodes:0.0} storage nodes on average; "
                        + $"verify p50 {Stats.Median(verify) * 1000:0.0} us p99 {Stats.Percentile(verify, 99) * 1000:0.0} us; "
                        + $"keccak-256 of the nodes alone p50 {Stats.Median(keccak) * 1000:0.0} us p99 {Stats.Percentile(keccak, 99) * 1000:0.0} us");
            Report.Add(new Figure("light-client storage proof p99", Stats.Percentile(verify, 99), "ms", Stats.Percentile(keccak, 99), "keccak-256 of its nodes p99", GoalMilliseconds, GoalKind.AtMost));
        }
        finally
        {
            Scratch.Delete(directory);
        }
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
