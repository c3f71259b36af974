using System.Security.Cryptography;
using Sankofa.Core.Audit;

namespace Sankofa.Core.Billing;

/// <summary>
/// An invoice's commitment to the evidence it was computed from (docs/billing.md): the audit batches holding the sealed
/// usage and availability hours of its tenant and period, each by id and Merkle root —
/// <c>SHA256("sankofa.usage-roots.v1" ‖ count ‖ (batchId ‖ root)…)</c>, batches ascending by id, each once, integers
/// 8-byte big-endian. A verifier recomputes it from the roots it reads on chain, so the evidence an operator hands out
/// later cannot come from other batches.
/// </summary>
public static class UsageRoots
{
    private static readonly byte[] Domain = "sankofa.usage-roots.v1"u8.ToArray();

    /// <summary>The commitment to <paramref name="batches"/> (batch id → root); repeats of a batch count once.</summary>
    public static byte[] Commit(IEnumerable<KeyValuePair<long, byte[]>> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var ordered = new SortedDictionary<long, byte[]>();
        foreach (var (id, root) in batches)
        {
            ArgumentOutOfRangeException.ThrowIfNotEqual(root.Length, 32, nameof(batches));
            ordered.TryAdd(id, root);
        }

        var e = new BillingEncoding(Domain);
        e.Int(ordered.Count);
        foreach (var (id, root) in ordered)
        {
            e.Int(id);
            e.Bytes(root);
        }

        return SHA256.HashData(e.ToArray());
    }

    /// <summary>The commitment to the stored batches.</summary>
    public static byte[] Commit(IEnumerable<AuditBatch> batches) =>
        Commit(batches.Select(b => new KeyValuePair<long, byte[]>(b.Id, b.Root)));
}
