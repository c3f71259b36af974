using System.Diagnostics;
using System.Security.Cryptography;
using Sankofa.Bench.Harness;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;

namespace Sankofa.Bench.Benchmarks;

/// <summary>
/// Time to verify one entry: <see cref="AuditVerifier.VerifyEntry"/> (payload hash, entry hash, proof to root, root and
/// position against the chain's record) and <see cref="MerkleTree.RootFromProof"/> alone, on a full default-size batch.
/// Baseline for RootFromProof: the same number of bare SHA-256 calls over 65-byte nodes (the floor of any proof check).
/// </summary>
internal static class VerifyBenchmark
{
    public const double GoalMilliseconds = 1;

    public static void Run(int batchSize, int iterations)
    {
        Report.Section($"3b. Proof verification: {iterations:N0} random entries of a {batchSize}-entry batch");
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var unsealed = Enumerable.Range(1, batchSize)
            .Select(i => new AuditEntry(i, time, "ops@example", "site.maintenance.started", $"site:edge-{i % 325}",
                AuditHashing.PayloadHash($$"""{"ticket":"CHG-{{i}}"}"""), $$"""{"ticket":"CHG-{{i}}"}""", null))
            .ToList();
        var (batch, entries) = AuditSealer.Seal(new AuditChainHead(0, AuditHashing.Genesis.ToArray(), 0), unsealed, time);
        batch = batch with { Anchor = new AnchorRecord("0x" + new string('a', 64), 7, time) };
        var onChain = new OnChainRoot(batch.Id, batch.Root, batch.FirstSequence, batch.Count, 7);
        var proofNodes = entries[0].Seal!.Proof.Length / MerkleTree.NodeSize;
        var random = new Random(7);

        double[] Measure(Action<AuditEntry> action)
        {
            for (var i = 0; i < iterations / 10; i++)
            {
                action(entries[random.Next(entries.Count)]);
            }

            var samples = new double[iterations];
            for (var i = 0; i < iterations; i++)
            {
                var entry = entries[random.Next(entries.Count)];
                var start = Stopwatch.GetTimestamp();
                action(entry);
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            return samples;
        }

        var verify = Measure(e =>
        {
            if (AuditVerifier.VerifyEntry(e, batch, onChain).Status != AuditVerificationStatus.Verified)
            {
                throw new InvalidOperationException($"entry {e.Id} does not verify");
            }
        });
        var fromProof = Measure(e =>
        {
            if (MerkleTree.RootFromProof(e.Seal!.Hash, e.Seal.LeafIndex, batch.Count, e.Seal.Proof) is null)
            {
                throw new InvalidOperationException($"entry {e.Id}: malformed proof");
            }
        });
        var node = new byte[1 + (2 * MerkleTree.NodeSize)];
        var output = new byte[MerkleTree.NodeSize];
        var floor = Measure(_ =>
        {
            for (var i = 0; i < proofNodes; i++)
            {
                SHA256.HashData(node, output);
            }
        });

        Report.Note($"proof of {proofNodes} nodes; VerifyEntry p50 {Stats.Median(verify) * 1000:0.0} us p99 {Stats.Percentile(verify, 99) * 1000:0.0} us; "
                    + $"RootFromProof p50 {Stats.Median(fromProof) * 1000:0.0} us p99 {Stats.Percentile(fromProof, 99) * 1000:0.0} us");
        Report.Add(new Figure("VerifyEntry p99", Stats.Percentile(verify, 99), "ms", Stats.Percentile(fromProof, 99), "RootFromProof p99", GoalMilliseconds, GoalKind.AtMost));
        Report.Add(new Figure("RootFromProof p99", Stats.Percentile(fromProof, 99), "ms", Stats.Percentile(floor, 99), $"{proofNodes} bare SHA-256 p99", GoalMilliseconds, GoalKind.AtMost));
    }
}
