using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Anchoring;

/// <summary>
/// Records audit batch roots on AuditAnchor. Batches the chain already holds are reported, not re-sent; the rest are
/// packed into anchorMany transactions of at most <see cref="LedgerOptions.MaxBatchesPerTransaction"/> roots, all sent
/// at once through the pipelined gateway. The operation id of a transaction is derived from its batch ids, so a retry
/// of the same batches joins the transaction already in flight.
/// </summary>
internal sealed partial class AuditAnchorLedger(LedgerRuntime runtime, IOptions<LedgerOptions> options, ILogger<AuditAnchorLedger> logger) : IAuditAnchorLedger
{
    private readonly LedgerOptions _options = options.Value;

    public async Task<IReadOnlyList<AnchorResult>> AnchorAsync(IReadOnlyList<AnchorRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var unique = Validate(requests);
        if (unique.Count == 0)
        {
            return [];
        }

        var connection = runtime.Connection;
        var onChain = await AuditAnchorCalls.GetRootsAsync(connection.Rpc, connection.AuditAnchorAddress, [.. unique.Keys], _options.RootsReadChunkSize, cancellationToken).ConfigureAwait(false);
        var results = new Dictionary<long, AnchorResult>(unique.Count);
        var alreadyAnchored = new List<OnChainRoot>();
        var toSend = new List<AnchorRequest>();
        foreach (var request in unique.Values)
        {
            if (onChain.TryGetValue(request.BatchId, out var existing))
            {
                EnsureSameRoot(request, existing.Root);
                alreadyAnchored.Add(existing);
            }
            else
            {
                toSend.Add(request);
            }
        }

        var sends = toSend
            .OrderBy(r => r.BatchId)
            .Chunk(Math.Max(1, _options.MaxBatchesPerTransaction))
            .Select(chunk => SendChunkAsync(connection, chunk, cancellationToken))
            .ToArray();
        foreach (var (chunk, receipt) in await Task.WhenAll(sends).ConfigureAwait(false))
        {
            var anchoredHere = new HashSet<long>();
            foreach (var log in receipt.Logs)
            {
                if (log.Topics.Count == 2 && string.Equals(log.Topics[0], AuditAnchorContract.AnchoredTopic, StringComparison.OrdinalIgnoreCase)
                    && string.Equals(log.Address, connection.AuditAnchorAddress, StringComparison.OrdinalIgnoreCase))
                {
                    var (batchId, _) = AuditAnchorContract.DecodeAnchored(log.Topics[1], log.Data);
                    anchoredHere.Add(batchId);
                    results[batchId] = new AnchorResult(batchId, receipt.TransactionHash, receipt.BlockNumber);
                }
            }

            // A batch in this transaction without an event was recorded meanwhile by someone else (or an earlier
            // attempt); its record is looked up like any already anchored batch.
            var missing = chunk.Where(r => !anchoredHere.Contains(r.BatchId)).Select(r => r.BatchId).ToArray();
            if (missing.Length > 0)
            {
                var now = await AuditAnchorCalls.GetRootsAsync(connection.Rpc, connection.AuditAnchorAddress, missing, _options.RootsReadChunkSize, cancellationToken).ConfigureAwait(false);
                foreach (var id in missing)
                {
                    if (!now.TryGetValue(id, out var root))
                    {
                        throw new InvalidOperationException($"Batch {id} is not on chain after transaction {receipt.TransactionHash}.");
                    }

                    EnsureSameRoot(unique[id], root.Root);
                    alreadyAnchored.Add(root);
                }
            }
        }

        foreach (var (id, result) in await FindAnchoringTransactionsAsync(connection, alreadyAnchored, cancellationToken).ConfigureAwait(false))
        {
            results[id] = result;
        }

        Log.Anchored(logger, toSend.Count, alreadyAnchored.Count, sends.Length);
        return requests.Select(r => r.BatchId).Distinct().Select(id => results[id]).ToArray();
    }

    public Task<IReadOnlyDictionary<long, OnChainRoot>> GetRootsAsync(IReadOnlyList<long> batchIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batchIds);
        var connection = runtime.Connection;
        return AuditAnchorCalls.GetRootsAsync(connection.Rpc, connection.AuditAnchorAddress, batchIds, _options.RootsReadChunkSize, cancellationToken);
    }

    private static Dictionary<long, AnchorRequest> Validate(IReadOnlyList<AnchorRequest> requests)
    {
        var unique = new Dictionary<long, AnchorRequest>(requests.Count);
        foreach (var request in requests)
        {
            if (request.BatchId < 0 || request.FirstSequence < 0 || request.Count < 0)
            {
                throw new ArgumentException($"Batch {request.BatchId}: batch id, first sequence and count must not be negative.", nameof(requests));
            }

            if (request.Root is not { Length: 32 } || !request.Root.AsSpan().ContainsAnyExcept((byte)0))
            {
                throw new ArgumentException($"Batch {request.BatchId}: the root must be 32 bytes and not all zero.", nameof(requests));
            }

            if (unique.TryGetValue(request.BatchId, out var earlier) && !earlier.Root.AsSpan().SequenceEqual(request.Root))
            {
                throw new ArgumentException($"Batch {request.BatchId} appears twice with different roots.", nameof(requests));
            }

            unique[request.BatchId] = request;
        }

        return unique;
    }

    private static void EnsureSameRoot(AnchorRequest request, byte[] onChainRoot)
    {
        if (!onChainRoot.AsSpan().SequenceEqual(request.Root))
        {
            throw new InvalidOperationException(
                $"Batch {request.BatchId} is anchored on chain with root {Hex.Bytes(onChainRoot)}, not {Hex.Bytes(request.Root)}: the audit log and the chain disagree.");
        }
    }

    private async Task<(AnchorRequest[] Chunk, TransactionReceipt Receipt)> SendChunkAsync(LedgerConnection connection, AnchorRequest[] chunk, CancellationToken cancellationToken)
    {
        // Paused (by the board): nothing is sent, and the batches wait as they would for an unreachable chain.
        await ThrowIfPausedAsync(connection, chunk, cancellationToken).ConfigureAwait(false);
        var request = new TransactionRequest(
            OperationId(chunk),
            connection.AuditAnchorAddress,
            AuditAnchorContract.EncodeAnchorMany(chunk),
            AuditAnchorContract.EstimateAnchorManyGas(chunk.Length));
        var receipt = await connection.Gateway.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!receipt.Succeeded)
        {
            // Paused between the check and the block; else most likely a RootMismatch recorded by another writer between
            // our read and our send.
            await ThrowIfPausedAsync(connection, chunk, cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException(
                $"anchorMany for batches {chunk[0].BatchId}..{chunk[^1].BatchId} reverted in transaction {receipt.TransactionHash}; check those batches' roots with GetRootsAsync.");
        }

        return (chunk, receipt);
    }

    private static async Task ThrowIfPausedAsync(LedgerConnection connection, AnchorRequest[] chunk, CancellationToken cancellationToken)
    {
        var answer = await connection.Rpc.CallAsync("eth_call", cancellationToken, new { to = connection.AuditAnchorAddress, data = PausedCall }, "latest").ConfigureAwait(false);
        if (Hex.ToBytes(answer.GetString()!) is [.., 1])
        {
            throw new LedgerUnavailableException(
                $"AuditAnchor is paused: batches {chunk[0].BatchId}..{chunk[^1].BatchId} wait until it is unpaused (a board decision), then are anchored.");
        }
    }

    private static readonly string PausedCall = Hex.Bytes(Abi.Selector("paused()"));

    /// <summary>Stable id of "anchor exactly these batches with these roots".</summary>
    private static string OperationId(AnchorRequest[] chunk)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var request in chunk)
        {
            hash.AppendData(BitConverter.GetBytes(request.BatchId));
            hash.AppendData(request.Root);
        }

        return $"audit-anchor:{chunk[0].BatchId}-{chunk[^1].BatchId}:{Convert.ToHexStringLower(hash.GetHashAndReset())[..16]}";
    }

    /// <summary>Finds the transaction that emitted each batch's Anchored event, in the block the contract recorded.</summary>
    private static async Task<Dictionary<long, AnchorResult>> FindAnchoringTransactionsAsync(LedgerConnection connection, List<OnChainRoot> roots, CancellationToken cancellationToken)
    {
        var found = new Dictionary<long, AnchorResult>(roots.Count);
        foreach (var chunk in roots.Chunk(100))
        {
            var calls = chunk.Select(r => new JsonRpcCall("eth_getLogs", new
            {
                address = connection.AuditAnchorAddress,
                fromBlock = Hex.Quantity(r.BlockNumber),
                toBlock = Hex.Quantity(r.BlockNumber),
                topics = new[] { AuditAnchorContract.AnchoredTopic, AuditAnchorContract.BatchIdTopic(r.BatchId) },
            })).ToArray();
            var answers = await connection.Rpc.BatchAsync(calls, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < chunk.Length; i++)
            {
                var hash = answers[i].Error is null && answers[i].Value.ValueKind == System.Text.Json.JsonValueKind.Array
                    ? answers[i].Value.EnumerateArray().Select(l => l.GetProperty("transactionHash").GetString()).FirstOrDefault()
                    : null;
                // Without the log (a pruned node) the batch is still anchored; the block is what verification needs.
                found[chunk[i].BatchId] = new AnchorResult(chunk[i].BatchId, hash ?? string.Empty, chunk[i].BlockNumber);
            }
        }

        return found;
    }

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Debug, "Anchored {Sent} batch roots ({AlreadyOnChain} already on chain) in {Transactions} transactions")]
        public static partial void Anchored(ILogger logger, int sent, int alreadyOnChain, int transactions);
    }
}
