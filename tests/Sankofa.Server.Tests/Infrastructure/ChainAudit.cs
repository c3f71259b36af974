using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Nethereum.Util;
using Sankofa.Core.Audit;
using Sankofa.Core.Ledger;
using Sankofa.Ledger;
using Sankofa.Server.Audit;

namespace Sankofa.Server.Tests.Infrastructure;

/// <summary>Independent checks of a server's audit log against what the chain itself holds.</summary>
public static class ChainAudit
{
    /// <summary>Every sealed entry, in sequence order, as the server lists it.</summary>
    public static async Task<List<AuditEntryResponse>> ChainAsync(HttpClient client)
    {
        var all = new List<AuditEntryResponse>();
        long? from = 1;
        while (from is { } f)
        {
            var page = await client.GetFromJsonAsync<AuditPageResponse>($"api/v1/audit/chain?fromSequence={f}&limit=1000", Json.Options);
            all.AddRange(page!.Items);
            from = page.Next;
        }

        return all;
    }

    /// <summary>Polls until every listed entry id is sealed and its batch root is on chain; returns the chain listing.</summary>
    public static async Task<List<AuditEntryResponse>> WaitAllAnchoredAsync(HttpClient client, IReadOnlyCollection<long> ids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var chain = await ChainAsync(client);
            var sealedIds = chain.Select(e => e.Id).ToHashSet();
            var unanchored = await UnanchoredBatchesAsync(client, chain);
            if (ids.All(sealedIds.Contains) && unanchored.Count == 0)
            {
                return chain;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{ids.Count(id => !sealedIds.Contains(id))} accepted entries unsealed, batches not anchored: {string.Join(',', unanchored)}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Verifies every sealed entry against the roots read straight from the chain, the hash-chain links, and that
    /// each batch was recorded by exactly one Anchored event. Returns the problems (empty when all is well).
    /// </summary>
    public static async Task<List<string>> VerifyAsync(HttpClient client, IReadOnlyList<AuditEntryResponse> chain)
    {
        var ledger = (await client.GetFromJsonAsync<LedgerStatus>("api/v1/ledger", Json.Options))!;
        using var reader = new AuditAnchorReader(new Uri(ledger.RpcUrl), ledger.AuditAnchorAddress);
        var entries = chain.Select(ToDomain).ToList();
        var problems = AuditVerifier.CheckLinks(entries, null).ToList();
        var batchIds = entries.Select(e => e.Seal!.BatchId).Distinct().ToList();
        var roots = await reader.GetRootsAsync(batchIds, CancellationToken.None);
        var batches = new Dictionary<long, AuditBatch>();
        foreach (var id in batchIds)
        {
            var batch = (await client.GetFromJsonAsync<AuditBatchResponse>($"api/v1/audit/batches/{id}", Json.Options))!;
            batches[id] = new AuditBatch(batch.Id, Bytes(batch.Root), batch.FirstSequence, batch.Count, batch.SealedAt,
                batch.Anchor is { } a ? new AnchorRecord(a.TransactionHash, a.BlockNumber, a.AnchoredAt) : null);
        }

        foreach (var entry in entries)
        {
            var result = AuditVerifier.VerifyEntry(entry, batches[entry.Seal!.BatchId], roots.GetValueOrDefault(entry.Seal.BatchId));
            if (result.Status != AuditVerificationStatus.Verified)
            {
                problems.AddRange(result.Problems);
            }
        }

        var events = await AnchoredEventsPerBatchAsync(new Uri(ledger.RpcUrl), ledger.AuditAnchorAddress);
        foreach (var id in batchIds.Where(id => events.GetValueOrDefault(id) != 1))
        {
            problems.Add($"batch {id} was recorded by {events.GetValueOrDefault(id)} Anchored events, not exactly one");
        }

        return problems;
    }

    /// <summary>Counts the contract's Anchored events per batch id over the whole chain.</summary>
    public static async Task<Dictionary<long, int>> AnchoredEventsPerBatchAsync(Uri rpcUrl, string contract)
    {
        var topic = "0x" + Sha3Keccack.Current.CalculateHash("Anchored(uint64,bytes32,uint64,uint32)");
        using var http = new HttpClient();
        var request = new { jsonrpc = "2.0", id = 1, method = "eth_getLogs", @params = new object[] { new { address = contract, fromBlock = "0x0", toBlock = "latest", topics = new[] { topic } } } };
        using var response = await http.PostAsJsonAsync(rpcUrl, request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var counts = new Dictionary<long, int>();
        foreach (var log in body.GetProperty("result").EnumerateArray())
        {
            var batchId = long.Parse(log.GetProperty("topics")[1].GetString()![2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            counts[batchId] = counts.GetValueOrDefault(batchId) + 1;
        }

        return counts;
    }

    private static async Task<List<long>> UnanchoredBatchesAsync(HttpClient client, List<AuditEntryResponse> chain)
    {
        var unanchored = new List<long>();
        foreach (var id in chain.Select(e => e.Seal!.BatchId).Distinct())
        {
            var batch = await client.GetFromJsonAsync<AuditBatchResponse>($"api/v1/audit/batches/{id}", Json.Options);
            if (batch!.Anchor is null)
            {
                unanchored.Add(id);
            }
        }

        return unanchored;
    }

    private static AuditEntry ToDomain(AuditEntryResponse r) => new(
        r.Id, r.Time, r.Actor, r.Action, r.Subject, Bytes(r.PayloadHash), r.Payload,
        new AuditSeal(r.Seal!.Sequence, Bytes(r.Seal.PreviousHash), Bytes(r.Seal.Hash), r.Seal.BatchId, r.Seal.LeafIndex, r.Seal.Proof.SelectMany(Bytes).ToArray()));

    private static byte[] Bytes(string hex) => Convert.FromHexString(hex[2..]);
}
