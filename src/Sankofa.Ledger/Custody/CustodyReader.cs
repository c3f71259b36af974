using System.Numerics;
using Sankofa.Core.Hardware;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Billing;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Custody;

/// <summary>One custody event as SankofaCustody holds it: parties, site and host as keccak-256 of their ids.</summary>
/// <param name="Sequence">Its number (0: the registration).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Passed">An inspection's outcome.</param>
/// <param name="BlockNumber">The block that recorded it.</param>
/// <param name="Actor">Who signed: supplier, sender, inspector or custodian.</param>
/// <param name="Counterparty">A transfer's receiver (zero otherwise).</param>
/// <param name="DocumentHash">Its document's SHA-256.</param>
/// <param name="Site">An installation's site (zero otherwise).</param>
/// <param name="Host">An installation's host (zero otherwise).</param>
public sealed record OnChainCustodyEvent(
    long Sequence, CustodyEventKind Kind, bool Passed, long BlockNumber, byte[] Actor, byte[] Counterparty, byte[] DocumentHash, byte[] Site, byte[] Host)
{
    /// <summary>
    /// What differs between this record and the event the control plane says it is (empty when they agree): kind,
    /// parties, document hash, outcome, site, host and the block of its transaction.
    /// </summary>
    public IReadOnlyList<string> Differences(CustodyEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var problems = new List<string>();
        void Check(string what, bool same)
        {
            if (!same)
            {
                problems.Add($"event #{Sequence} of {stored.AssetId}: the chain holds another {what}");
            }
        }

        Check("kind", Kind == stored.Kind);
        Check("signing party", Actor.AsSpan().SequenceEqual(LedgerIds.Of(stored.Actor)));
        Check("receiver", Counterparty.AsSpan().SequenceEqual(stored.Counterparty is { } to ? LedgerIds.Of(to) : new byte[32]));
        Check("document hash", DocumentHash.AsSpan().SequenceEqual(stored.DocumentHash));
        Check("inspection outcome", Passed == (stored.Passed ?? false));
        Check("site", Site.AsSpan().SequenceEqual(stored.SiteId is { } s ? LedgerIds.Of(s) : new byte[32]));
        Check("host", Host.AsSpan().SequenceEqual(stored.HostId is { } h ? LedgerIds.Of(h) : new byte[32]));
        Check("block", BlockNumber == stored.Chain.BlockNumber);
        return problems;
    }
}

/// <summary>
/// Reads SankofaCustody straight from a chain node, with no key and no Sankofa server in between, so anyone
/// (<c>sankofa vm provenance --verify</c>, a party about to sign) checks an asset's custody against the chain alone.
/// </summary>
public sealed class CustodyReader : IDisposable
{
    private readonly JsonRpcClient _rpc;

    /// <summary>Creates a reader.</summary>
    /// <param name="rpcUrl">JSON-RPC endpoint of any node of the chain.</param>
    /// <param name="custodyAddress">Address of the SankofaCustody proxy.</param>
    public CustodyReader(Uri rpcUrl, string custodyAddress)
    {
        ArgumentNullException.ThrowIfNull(rpcUrl);
        if (Hex.ToBytes(custodyAddress).Length != 20)
        {
            throw new ArgumentException($"Not an address: {custodyAddress}", nameof(custodyAddress));
        }

        _rpc = new JsonRpcClient(rpcUrl, TimeSpan.FromSeconds(30));
        Contract = custodyAddress;
    }

    /// <summary>The SankofaCustody address read.</summary>
    public string Contract { get; }

    /// <summary>The chain id the node reports (part of the EIP-712 domain the parties sign under).</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public async Task<long> GetChainIdAsync(CancellationToken cancellationToken) =>
        Hex.ToLong(await _rpc.CallAsync("eth_chainId", cancellationToken).ConfigureAwait(false));

    /// <summary>The asset as the chain holds it, or null when never registered.</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public Task<OnChainAsset?> GetAssetAsync(string assetId, CancellationToken cancellationToken) => CustodyCalls.AssetOfAsync(_rpc, Contract, assetId, cancellationToken);

    /// <summary>The asset's custody events, in order (empty when never registered).</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public Task<IReadOnlyList<OnChainCustodyEvent>> GetEventsAsync(string assetId, CancellationToken cancellationToken) =>
        CustodyCalls.EventsOfAsync(_rpc, Contract, assetId, cancellationToken);

    /// <summary>
    /// Each asset as the chain holds it (null when never registered) with its custody events, for many assets in one
    /// JSON-RPC batch: a provenance of 21 assets is one round trip, not 42.
    /// </summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public async Task<IReadOnlyList<(OnChainAsset? Asset, IReadOnlyList<OnChainCustodyEvent> Events)>> GetCustodiesAsync(
        IReadOnlyList<string> assetIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assetIds);
        var custodies = new List<(OnChainAsset?, IReadOnlyList<OnChainCustodyEvent>)>(assetIds.Count);
        foreach (var chunk in assetIds.Chunk(CallsPerBatch / 2))
        {
            var calls = chunk.SelectMany(id => new[]
            {
                CustodyCalls.Call(Contract, [.. Abi.Selector("assetOf(bytes32)"), .. LedgerIds.Of(id)]),
                CustodyCalls.Call(Contract, [.. Abi.Selector("eventsOf(bytes32)"), .. LedgerIds.Of(id)]),
            }).ToList();
            var answers = await _rpc.BatchAsync(calls, cancellationToken).ConfigureAwait(false);
            custodies.AddRange(chunk.Select((_, i) => (CustodyCalls.DecodeAsset(CustodyCalls.Output(answers[2 * i])), CustodyCalls.DecodeEvents(CustodyCalls.Output(answers[(2 * i) + 1])))));
        }

        return custodies;
    }

    /// <summary>
    /// The block each transaction was included in (null for a transaction the node does not know), read in JSON-RPC
    /// batches of <see cref="CallsPerBatch"/> receipts rather than one request each.
    /// </summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public async Task<IReadOnlyList<long?>> TransactionBlocksAsync(IReadOnlyList<string> transactionHashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transactionHashes);
        var blocks = new List<long?>(transactionHashes.Count);
        foreach (var chunk in transactionHashes.Chunk(CallsPerBatch))
        {
            var answers = await _rpc.BatchAsync([.. chunk.Select(h => new JsonRpcCall("eth_getTransactionReceipt", h))], cancellationToken).ConfigureAwait(false);
            // A refused batch is the node's answer, not the chain's: it must not read as transactions missing from the chain.
            blocks.AddRange(answers.Select(a => a.Error is { } error
                ? throw new LedgerUnavailableException("The chain node refused a receipt read: " + error.Message, error)
                : BlockOf(a.Value)));
        }

        return blocks;
    }

    /// <summary>Calls per JSON-RPC batch: the server's <c>/chain/rpc</c> answers up to 100 by default (ChainRpc:MaxBatchSize), Besu 1,024.</summary>
    public const int CallsPerBatch = 100;

    /// <summary>The block a transaction was included in, or null when the node knows no such transaction.</summary>
    /// <exception cref="LedgerUnavailableException">The node cannot be reached.</exception>
    public async Task<long?> TransactionBlockAsync(string transactionHash, CancellationToken cancellationToken)
    {
        var receipt = await _rpc.CallAsync("eth_getTransactionReceipt", cancellationToken, transactionHash).ConfigureAwait(false);
        return BlockOf(receipt);
    }

    private static long? BlockOf(System.Text.Json.JsonElement receipt) =>
        receipt.ValueKind == System.Text.Json.JsonValueKind.Object && receipt.TryGetProperty("blockNumber", out var block) && block.GetString() is { } b ? Hex.ToLong(b) : null;

    /// <inheritdoc />
    public void Dispose() => _rpc.Dispose();
}

/// <summary>SankofaCustody's read calls and their decoding, shared by the control plane's ledger and the keyless reader.</summary>
internal static class CustodyCalls
{
    public static async Task<OnChainAsset?> AssetOfAsync(JsonRpcClient rpc, string contract, string assetId, CancellationToken cancellationToken) =>
        DecodeAsset(await BillingCalls.CallAsync(rpc, contract, [.. Abi.Selector("assetOf(bytes32)"), .. LedgerIds.Of(assetId)], cancellationToken).ConfigureAwait(false));

    public static async Task<IReadOnlyList<OnChainCustodyEvent>> EventsOfAsync(JsonRpcClient rpc, string contract, string assetId, CancellationToken cancellationToken) =>
        DecodeEvents(await BillingCalls.CallAsync(rpc, contract, [.. Abi.Selector("eventsOf(bytes32)"), .. LedgerIds.Of(assetId)], cancellationToken).ConfigureAwait(false));

    public static JsonRpcCall Call(string contract, byte[] data) => new("eth_call", new { to = contract, data = Hex.Bytes(data) }, "latest");

    /// <summary>A batched call's return data; a node's error is a <see cref="LedgerUnavailableException"/> as a single call's would be.</summary>
    public static byte[] Output(JsonRpcResult result) =>
        result.Error is { } error ? throw new LedgerUnavailableException("The chain node refused a custody read: " + error.Message, error) : Hex.ToBytes(result.Value.GetString()!);

    public static OnChainAsset? DecodeAsset(byte[] w)
    {
        var state = (int)Uint(w, 5);
        return state == 0 ? null : new OnChainAsset(w[0..32], w[32..64], w[64..96], w[96..128], (long)Uint(w, 4), state, Uint(w, 6) != 0);
    }

    public static IReadOnlyList<OnChainCustodyEvent> DecodeEvents(byte[] w)
    {
        // A dynamic array of static 8-word tuples: the offset word, the length, then the tuples in place.
        var start = (int)Uint(w, 0) / 32;
        var count = (int)Uint(w, start);
        var events = new List<OnChainCustodyEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var at = start + 1 + (8 * i);
            events.Add(new OnChainCustodyEvent(i, (CustodyEventKind)(int)Uint(w, at), Uint(w, at + 1) != 0, (long)Uint(w, at + 2), Word(w, at + 3), Word(w, at + 4),
                Word(w, at + 5), Word(w, at + 6), Word(w, at + 7)));
        }

        return events;
    }

    private static BigInteger Uint(byte[] words, int index) => new(words.AsSpan(32 * index, 32), isUnsigned: true, isBigEndian: true);

    private static byte[] Word(byte[] words, int index) => words[(32 * index)..(32 * (index + 1))];
}
