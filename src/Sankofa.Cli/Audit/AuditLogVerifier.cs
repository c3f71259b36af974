using Sankofa.Cli.Api;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Server.Audit;

namespace Sankofa.Cli.Audit;

/// <summary>
/// Verifies entries the server hands out against roots read from the chain: recomputes every hash locally, so a
/// server that changed, dropped or reordered anything cannot make the check pass.
/// </summary>
internal sealed class AuditLogVerifier(SankofaApiClient api, ChainSource chain)
{
    private const int PageSize = 1000;
    private const int TrailingProbe = 8;

    public async Task<VerificationReport> VerifyEntryAsync(long id, CancellationToken cancellationToken)
    {
        var response = await api.GetEntryAsync(id, cancellationToken)
                       ?? throw new InvalidOperationException($"There is no audit entry {id} on the server.");
        var entry = ToDomain(response);
        var batch = response.Batch is { } b ? ToDomain(b) : null;
        OnChainRoot? onChain = null;
        if (entry.Seal is { } seal)
        {
            var roots = await chain.GetRootsAsync([seal.BatchId], cancellationToken);
            onChain = roots.GetValueOrDefault(seal.BatchId);
        }

        var result = AuditVerifier.VerifyEntry(entry, batch, onChain);
        var summary = result.Status switch
        {
            AuditVerificationStatus.Verified =>
                $"Entry {id} verified: sequence {entry.Seal!.Sequence}, batch {entry.Seal.BatchId}, root 0x{Convert.ToHexStringLower(onChain!.Root)} in block {onChain.BlockNumber} of {chain.RpcUrl}.",
            AuditVerificationStatus.Pending => $"Entry {id} is not anchored yet; nothing is wrong, it cannot be proven yet.",
            _ => $"Entry {id} FAILED verification.",
        };
        return new VerificationReport(
            result.Status, summary, 1, onChain is null ? 0 : 1,
            result.Status == AuditVerificationStatus.Failed ? result.Problems : [],
            result.Status == AuditVerificationStatus.Pending ? result.Problems : [],
            chain.RpcUrl, chain.Contract);
    }

    public async Task<VerificationReport> VerifyAllAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var pending = new List<string>();
        var seenPerBatch = new Dictionary<long, int>();
        var chainRoots = new Dictionary<long, OnChainRoot?>();
        var batches = new Dictionary<long, AuditBatch?>();
        AuditEntry? previous = null;
        long entries = 0;
        long from = 1;
        // Entries archived (or deleted after their retention) left the hot log: it continues from the last one removed,
        // whose hash is checked against its batch's root on chain, so the link across the boundary is checked too.
        var boundary = await RetainedBoundary.ReadAsync(api, cancellationToken);
        OnChainRoot? boundaryRoot = null;
        if (boundary is not null)
        {
            boundaryRoot = (await chain.GetRootsAsync([boundary.BatchId], cancellationToken)).GetValueOrDefault(boundary.BatchId);
            problems.AddRange(Core.Retention.AuditArchiveVerifier.CheckBoundary(boundary, boundaryRoot));
        }

        while (true)
        {
            var page = await api.GetChainAsync(from, PageSize, cancellationToken);
            var pageEntries = page.Items.Select(ToDomain).ToList();
            if (previous is null && pageEntries.Count > 0)
            {
                problems.AddRange(RetainedBoundary.CheckStart(boundary, pageEntries[0]));
            }

            problems.AddRange(AuditVerifier.CheckLinks(pageEntries, previous));
            var newBatchIds = pageEntries.Select(e => e.Seal!.BatchId).Distinct().Where(id => !batches.ContainsKey(id)).ToList();
            foreach (var batchId in newBatchIds)
            {
                batches[batchId] = await api.GetBatchAsync(batchId, cancellationToken) is { } response ? ToDomain(response) : null;
            }

            if (newBatchIds.Count > 0)
            {
                var roots = await chain.GetRootsAsync(newBatchIds, cancellationToken);
                foreach (var batchId in newBatchIds)
                {
                    chainRoots[batchId] = roots.GetValueOrDefault(batchId);
                }
            }

            foreach (var entry in pageEntries)
            {
                var batchId = entry.Seal!.BatchId;
                var root = chainRoots[batchId];
                var result = AuditVerifier.VerifyEntry(entry, batches[batchId], root);
                (result.Status == AuditVerificationStatus.Pending ? pending : problems).AddRange(
                    result.Status == AuditVerificationStatus.Verified ? [] : result.Problems);
                seenPerBatch[batchId] = seenPerBatch.GetValueOrDefault(batchId) + 1;
                entries++;
            }

            previous = pageEntries.Count > 0 ? pageEntries[^1] : previous;
            if (page.Next is not { } next)
            {
                break;
            }

            from = next;
        }

        foreach (var (batchId, root) in chainRoots)
        {
            if (root is not null && seenPerBatch.GetValueOrDefault(batchId) != root.Count)
            {
                problems.Add($"batch {batchId}: the chain records {root.Count} entries but the server returned {seenPerBatch.GetValueOrDefault(batchId)} (entries deleted or moved)");
            }
        }

        // Batch ids run 1, 2, 3… without gaps, except where the server declares batches it lost in a restore (which it
        // never seals again). A hole the server does not declare, holding a root on chain, is hidden entries.
        var gaps = await api.GetChainGapsAsync(cancellationToken);
        bool Declared(long id) => gaps.Any(g => id >= g.FirstBatchId && id <= g.LastBatchId);
        if (chainRoots.Count > 0)
        {
            var holes = new List<long>();
            for (var id = chainRoots.Keys.Min() + 1; id < chainRoots.Keys.Max(); id++)
            {
                if (!chainRoots.ContainsKey(id) && !Declared(id))
                {
                    holes.Add(id);
                }
            }

            foreach (var batchId in (await chain.GetRootsAsync(holes, cancellationToken)).Keys.Order())
            {
                problems.Add($"batch {batchId} is on chain but the server returned none of its entries (entries hidden or deleted)");
            }
        }

        var highest = Math.Max(chainRoots.Count == 0 ? 0 : chainRoots.Keys.Max(), boundary?.BatchId ?? 0);
        highest = Math.Max(highest, gaps.Count == 0 ? 0 : gaps.Max(g => g.LastBatchId));
        var beyond = await chain.GetRootsAsync(Enumerable.Range(1, TrailingProbe).Select(i => highest + i).ToList(), cancellationToken);
        foreach (var batchId in beyond.Keys.Order())
        {
            problems.Add($"batch {batchId} is on chain but the server returned none of its entries (entries hidden or deleted)");
        }

        // Pending notes repeat per entry of a batch; one line per batch is enough.
        var pendingLines = pending.Distinct().ToList();
        problems = problems.Distinct().ToList();
        var status = problems.Count > 0 ? AuditVerificationStatus.Failed
            : pendingLines.Count > 0 ? AuditVerificationStatus.Pending
            : AuditVerificationStatus.Verified;
        var summary = status switch
        {
            AuditVerificationStatus.Verified => $"All {entries} sealed entries in {batches.Count} batches verified against {chain.RpcUrl} (contract {chain.Contract}); the hash chain is unbroken"
                + (boundary is null ? "." : $", and continues from sequence {boundary.Sequence} (archived), whose hash the on-chain root of batch {boundary.BatchId} proves.")
                + string.Concat(gaps.Select(g => $" The server reports batches {g.FirstBatchId}..{g.LastBatchId} ({g.Batches} on chain, {g.Entries} entries, up to {g.Resealed} of them sealed again in its log) as lost in a restore from a backup (found {g.FoundAt:u}): on chain, not in its log.")),
            AuditVerificationStatus.Pending => $"{entries} sealed entries checked, no problem found; some are not anchored yet.",
            _ => $"Verification FAILED: {problems.Count} problem(s) in {entries} entries and {batches.Count} batches.",
        };
        return new VerificationReport(status, summary, entries, batches.Count, problems, pendingLines, chain.RpcUrl, chain.Contract);
    }

    internal static AuditEntry ToDomain(AuditEntryResponse r) => new(r.Id, r.Time, r.Actor, r.Action, r.Subject, Bytes(r.PayloadHash), r.Payload, ToDomain(r.Seal));

    // An evidence entry without its payload: the verifier hashes and reads the payload as the bytes that arrived.
    internal static AuditEntry ToDomain(Server.Billing.EvidenceEntryResponse r) => new(
        r.Id, r.Time, r.Actor, r.Action, r.Subject, Bytes(r.PayloadHash), null, ToDomain(r.Seal));

    private static AuditSeal? ToDomain(AuditSealResponse? s) =>
        s is null ? null : new AuditSeal(s.Sequence, Bytes(s.PreviousHash), Bytes(s.Hash), s.BatchId, s.LeafIndex, s.Proof.SelectMany(Bytes).ToArray());

    internal static AuditBatch ToDomain(AuditBatchResponse b) => new(
        b.Id, Bytes(b.Root), b.FirstSequence, b.Count, b.SealedAt,
        b.Anchor is { } a ? new AnchorRecord(a.TransactionHash, a.BlockNumber, a.AnchoredAt) : null);

    private static byte[] Bytes(string hex) =>
        Convert.FromHexString(hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex);
}
