using System.Diagnostics.Metrics;
using System.Numerics;
using System.Text.Json;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Tests;

public sealed class GatewayTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private LedgerHost Host => fixture.Host;

    [Fact]
    public async Task ManyConcurrentAnchorCalls_ArePipelinedAndEachBatchLandsExactlyOnce()
    {
        const int calls = 20;
        const int batchesPerCall = 60;
        var first = 10_000L;
        var requests = Enumerable.Range(0, calls)
            .Select(c => Enumerable.Range(0, batchesPerCall).Select(b => Roots.Request(first + (c * batchesPerCall) + b)).ToArray())
            .ToArray();

        var results = await Task.WhenAll(requests.Select(r => Host.Ledger.AnchorAsync(r, CancellationToken.None)));

        var ids = requests.SelectMany(r => r).Select(r => r.BatchId).ToArray();
        Assert.Equal(ids, results.SelectMany(r => r).Select(r => r.BatchId).ToArray());
        // 60 batches per call with at most 50 per transaction: two transactions per call.
        Assert.Equal(calls * 2, results.SelectMany(r => r).Select(r => r.TransactionHash).Distinct().Count());
        var roots = await Host.Ledger.GetRootsAsync(ids, CancellationToken.None);
        Assert.Equal(ids.Length, roots.Count);
        Assert.All(ids, id => Assert.Equal(Roots.For(id), roots[id].Root));
        var events = await AnchoredEventsAsync(first, first + ids.Length - 1);
        Assert.Equal(ids.Order(), events.Order());
    }

    [Fact]
    public async Task ReAnchoringTheSameBatches_RecordsNothingTwiceAndReportsTheOriginalTransaction()
    {
        var batch = Enumerable.Range(20_000, 30).Select(i => Roots.Request(i)).ToArray();
        var firstTime = await Host.Ledger.AnchorAsync(batch, CancellationToken.None);

        // Concurrent identical re-sends and a later re-send, as after a crash or a lost receipt.
        var again = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Host.Ledger.AnchorAsync(batch, CancellationToken.None)));
        var later = await Host.Ledger.AnchorAsync(batch.Reverse().ToArray(), CancellationToken.None);

        Assert.All(again, r => Assert.Equal(firstTime, r));
        Assert.Equal(firstTime.OrderBy(r => r.BatchId), later.OrderBy(r => r.BatchId));
        var events = await AnchoredEventsAsync(20_000, 20_029);
        Assert.Equal(30, events.Count);
        Assert.Equal(30, events.Distinct().Count());
    }

    [Fact]
    public async Task ContractCalledTwiceWithTheSameRoot_EmitsOneEventAndDoesNotRevert()
    {
        // Bypasses the ledger's pre-check so the contract's own idempotency is what is tested.
        var request = Roots.Request(30_000);
        var gateway = Host.Connection.Gateway;
        var call = AuditAnchorContract.EncodeAnchorMany([request]);
        var one = await gateway.SendAsync(new TransactionRequest("raw-1", Host.Connection.AuditAnchorAddress, call, 200_000), CancellationToken.None);
        var two = await gateway.SendAsync(new TransactionRequest("raw-2", Host.Connection.AuditAnchorAddress, call, 200_000), CancellationToken.None);

        Assert.True(one.Succeeded);
        Assert.True(two.Succeeded);
        Assert.NotEqual(one.TransactionHash, two.TransactionHash);

        // One event in all, read from the chain: under load the gateway may re-sign a transaction it thinks displaced,
        // and then the receipt it reports can be the no-op twin rather than the one that anchored.
        Assert.Single(await AnchoredEventsAsync(30_000, 30_000));
    }

    [Fact]
    public async Task AnchoringADifferentRootForAnAnchoredBatch_IsRefusedAndLeavesTheOriginal()
    {
        await Host.Ledger.AnchorAsync([Roots.Request(40_000)], CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Host.Ledger.AnchorAsync([Roots.Request(40_000, salt: 1)], CancellationToken.None));
        Assert.Contains("40000", error.Message, StringComparison.Ordinal);

        // The contract itself reverts too (custom error RootMismatch), when asked directly.
        var call = AuditAnchorContract.EncodeAnchorMany([Roots.Request(40_000, salt: 1)]);
        var receipt = await Host.Connection.Gateway.SendAsync(new TransactionRequest("mismatch", Host.Connection.AuditAnchorAddress, call, 200_000), CancellationToken.None);
        Assert.False(receipt.Succeeded);
        Assert.Equal(Roots.For(40_000), (await Host.Ledger.GetRootsAsync([40_000], CancellationToken.None))[40_000].Root);
    }

    [Fact]
    public async Task SameOperationIdSentConcurrently_IsSignedAndSentOnce()
    {
        var call = AuditAnchorContract.EncodeAnchorMany([Roots.Request(50_000)]);
        var request = new TransactionRequest("same-op", Host.Connection.AuditAnchorAddress, call, 200_000);

        // Held out of a block until the gateway finds its miner stalled (250 ms), so all ten calls certainly overlap the
        // first: on an instantly mining chain, a test thread paused for a few milliseconds would see it complete, and a
        // later call is a new send by design (completed operations are not cached).
        await Host.Connection.Rpc.CallAsync("evm_setAutomine", CancellationToken.None, false);
        TransactionReceipt[] receipts;
        try
        {
            receipts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Host.Connection.Gateway.SendAsync(request, CancellationToken.None)));
        }
        finally
        {
            await Host.Connection.Rpc.CallAsync("evm_setAutomine", CancellationToken.None, true);
        }

        Assert.Single(receipts.Select(r => r.TransactionHash).Distinct());
    }

    [Fact]
    public async Task FastSignerTransactions_AreAcceptedByTheChainFromTheSignerAddress()
    {
        var receipt = await Host.Connection.Gateway.SendAsync(new TransactionRequest("transfer-to-self", Host.Connection.SignerAddress, [], 21_000), CancellationToken.None);
        var tx = await Host.Connection.Rpc.CallAsync("eth_getTransactionByHash", CancellationToken.None, receipt.TransactionHash);

        Assert.True(receipt.Succeeded);
        Assert.Equal(Host.Connection.SignerAddress, tx.GetProperty("from").GetString(), ignoreCase: true);
    }

    [Fact]
    public async Task NonceTakenBehindTheGatewaysBack_IsRecoveredAndTheAnchorStillLands()
    {
        // Another process using the same key consumes the next nonce; the gateway's local nonce is now stale.
        var connection = Host.Connection;
        var paths = (LedgerPaths)Host.Services.GetService(typeof(LedgerPaths))!;
        var keyPassword = await SignerKeyStore.LoadOrCreatePasswordAsync(paths.KeyPasswordFile, CancellationToken.None);
        var (key, _) = await SignerKeyStore.LoadOrCreateAsync(paths.KeyStore, keyPassword, CancellationToken.None);
        using (key)
        {
            await connection.Gateway.SendAsync(new TransactionRequest("warm-up", connection.SignerAddress, [], 21_000), CancellationToken.None);
            var nonce = Hex.ToLong(await connection.Rpc.CallAsync("eth_getTransactionCount", CancellationToken.None, connection.SignerAddress, "pending"));
            var price = Hex.ToBigInteger((await connection.Rpc.CallAsync("eth_gasPrice", CancellationToken.None)).GetString()!) * 2;
            var outsider = new TransactionSigner(key, connection.ChainId).Sign(new UnsignedTransaction(nonce, connection.SignerAddress, [], 21_000, price, BigInteger.Zero));
            await connection.Rpc.CallAsync("eth_sendRawTransaction", CancellationToken.None, outsider.RawHex);
        }

        var results = await Host.Ledger.AnchorAsync([Roots.Request(60_000)], CancellationToken.None);

        Assert.Single(results);
        Assert.Contains(Host.Logs.Messages, m => m.Contains("displaced", StringComparison.Ordinal));
        Assert.Equal(Roots.For(60_000), (await Host.Ledger.GetRootsAsync([60_000], CancellationToken.None))[60_000].Root);
    }

    [Fact]
    public async Task KeylessReader_ReadsTheSameRootsStraightFromTheChain()
    {
        await Host.Ledger.AnchorAsync([Roots.Request(70_000), Roots.Request(70_001)], CancellationToken.None);
        using var reader = new AuditAnchorReader(Host.Connection.RpcUrl, Host.Connection.AuditAnchorAddress);

        Assert.Equal(31337, await reader.GetChainIdAsync(CancellationToken.None));
        Assert.True(await reader.ContractExistsAsync(CancellationToken.None));
        var roots = await reader.GetRootsAsync([70_000, 70_001, 70_002], CancellationToken.None);
        Assert.Equal(2, roots.Count);
        Assert.Equal(Roots.For(70_001), roots[70_001].Root);
        Assert.Equal(70_001 * 100, roots[70_001].FirstSequence);
        Assert.Null(await reader.GetRootAsync(70_002, CancellationToken.None));
    }

    [Fact]
    public async Task ReaderAgainstAnUnreachableNode_ThrowsLedgerUnavailable()
    {
        using var reader = new AuditAnchorReader(new Uri("http://127.0.0.1:1/"), "0x00000000000000000000000000000000000000aa");
        await Assert.ThrowsAsync<LedgerUnavailableException>(() => reader.GetRootsAsync([1], CancellationToken.None));
    }

    [Fact]
    public async Task GatewayMetrics_CountSentTransactionsAndConfirmationLatency()
    {
        long sent = 0;
        long latencies = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Sankofa.Ledger")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "transactions.sent")
            {
                Interlocked.Add(ref sent, value);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            if (instrument.Name == "transactions.confirmation")
            {
                Interlocked.Increment(ref latencies);
            }
        });
        listener.Start();

        await Host.Ledger.AnchorAsync([Roots.Request(80_000)], CancellationToken.None);

        Assert.True(Interlocked.Read(ref sent) >= 1);
        Assert.True(Interlocked.Read(ref latencies) >= 1);
    }

    private async Task<List<long>> AnchoredEventsAsync(long fromBatch, long toBatch)
    {
        var logs = await Host.Connection.Rpc.CallAsync("eth_getLogs", CancellationToken.None, new
        {
            address = Host.Connection.AuditAnchorAddress,
            fromBlock = "0x0",
            toBlock = "latest",
            topics = new[] { AuditAnchorContract.AnchoredTopic },
        });
        return logs.EnumerateArray()
            .Select(l => AuditAnchorContract.DecodeAnchored(l.GetProperty("topics")[1].GetString()!, l.GetProperty("data").GetString()!).BatchId)
            .Where(id => id >= fromBatch && id <= toBatch)
            .ToList();
    }
}
