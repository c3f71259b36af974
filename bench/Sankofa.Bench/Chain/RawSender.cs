using System.Diagnostics;
using System.Numerics;
using System.Text.Json;
using Sankofa.Bench.Harness;
using Sankofa.Core.Ledger;
using Sankofa.Ledger.Contracts;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Bench.Chain;

/// <summary>
/// The raw baseline: transactions signed before the clock starts and sent with eth_sendRawTransaction in JSON-RPC
/// batches of 100 (or 1 MB of transactions, whichever is less), one request at a time (the gateway's own batching), done
/// when the chain has mined the last nonce. Its key is separate from the gateway's so both can run against one chain
/// without disturbing each other's nonces.
/// </summary>
internal sealed class RawSender : IDisposable
{
    private const int SendBatchSize = 100;
    private const int SendBatchBytes = 1 << 20;
    private const int SendAttempts = 5;
    private static readonly TimeSpan StalledMinerThreshold = TimeSpan.FromMilliseconds(250);
    private static readonly byte[] GrantRoleSelector = Abi.Selector("grantRole(bytes32,address)");
    private static readonly byte[] AnchorSelector = Abi.Selector("anchor(uint64,bytes32,uint64,uint32)");

    private readonly LedgerConnection _connection;
    private readonly SigningKey _key;
    private readonly TransactionSigner _signer;

    private RawSender(LedgerConnection connection, SigningKey key)
    {
        _connection = connection;
        _key = key;
        _signer = new TransactionSigner(key, connection.ChainId);
    }

    /// <summary>A fresh key, funded on the embedded chain: enough to relay what anyone may send (SankofaCustody's registrations).</summary>
    public static async Task<RawSender> CreateRelayerAsync(LedgerConnection connection, CancellationToken cancellationToken)
    {
        var key = SigningKey.Generate();
        await connection.Rpc.CallAsync("anvil_setBalance", cancellationToken, key.Address, Hex.Quantity(BigInteger.Pow(10, 30))).ConfigureAwait(false);
        return new RawSender(connection, key);
    }

    /// <summary>A fresh key, funded on the embedded chain and granted ANCHORER_ROLE by the gateway's key.</summary>
    public static async Task<RawSender> CreateAsync(LedgerConnection connection, CancellationToken cancellationToken)
    {
        var relayer = await CreateRelayerAsync(connection, cancellationToken).ConfigureAwait(false);
        var key = relayer._key;
        var data = new byte[4 + 64];
        GrantRoleSelector.CopyTo(data, 0);
        Abi.Topic("ANCHORER_ROLE").CopyTo(data, 4);
        Abi.WriteAddress(data.AsSpan(36, 32), key.Address);
        var receipt = await connection.Gateway.SendAsync(new TransactionRequest($"bench:grant:{key.Address}", connection.AuditAnchorAddress, data, 200_000), cancellationToken).ConfigureAwait(false);
        if (!receipt.Succeeded)
        {
            relayer.Dispose();
            throw new InvalidOperationException("grantRole for the raw sender reverted.");
        }

        return relayer;
    }

    /// <summary>Call data of <c>anchor(batchId, root, firstSequence, count)</c>: one root per transaction.</summary>
    public static byte[] EncodeAnchor(long batchId, ReadOnlySpan<byte> root, long firstSequence, int count)
    {
        var data = new byte[4 + (4 * 32)];
        AnchorSelector.CopyTo(data, 0);
        var body = data.AsSpan(4);
        Abi.WriteUInt(body[..32], (ulong)batchId);
        root.CopyTo(body.Slice(32, 32));
        Abi.WriteUInt(body.Slice(64, 32), (ulong)firstSequence);
        Abi.WriteUInt(body.Slice(96, 32), (uint)count);
        return data;
    }

    /// <summary>Signs the calls to <paramref name="to"/> (the AuditAnchor contract when null) with consecutive nonces from the account's next one.</summary>
    public async Task<IReadOnlyList<SignedTransactionBytes>> SignAsync(IReadOnlyList<(byte[] Data, long Gas)> calls, CancellationToken cancellationToken, string? to = null)
    {
        var rpc = _connection.Rpc;
        var nonce = Hex.ToLong(await rpc.CallAsync("eth_getTransactionCount", cancellationToken, _key.Address, "pending").ConfigureAwait(false));
        // The gateway's price rule (twice the quoted price), so both compete on equal terms.
        var gasPrice = Hex.ToBigInteger((await rpc.CallAsync("eth_gasPrice", cancellationToken).ConfigureAwait(false)).GetString() ?? "0x0") * 2;
        var signed = new SignedTransactionBytes[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            signed[i] = _signer.Sign(new UnsignedTransaction(nonce + i, to ?? _connection.AuditAnchorAddress, calls[i].Data, calls[i].Gas, gasPrice, BigInteger.Zero));
        }

        return signed;
    }

    /// <summary>Sends pre-signed transactions and returns the time until the chain mined the last one.</summary>
    public async Task<TimeSpan> SendAsync(IReadOnlyList<SignedTransactionBytes> signed, CancellationToken cancellationToken)
    {
        var rpc = _connection.Rpc;
        var target = signed[^1].Nonce + 1;
        var clock = Stopwatch.StartNew();
        foreach (var chunk in Chunks(signed))
        {
            await SendChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        var mined = 0L;
        var progressAt = clock.Elapsed;
        var lastGap = TimeSpan.Zero;
        while (mined < target)
        {
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            var now = Hex.ToLong(await rpc.CallAsync("eth_getTransactionCount", cancellationToken, _key.Address, "latest").ConfigureAwait(false));
            if (now > mined)
            {
                (mined, lastGap, progressAt) = (now, clock.Elapsed - progressAt, clock.Elapsed);
            }
            else if (clock.Elapsed - progressAt > StalledMinerThreshold + (2 * lastGap))
            {
                // The gateway's rule for anvil's missed-transaction bug (foundry-rs/foundry#10122), so both sides get the same
                // help; but only after twice the time the last block took, since on a large state every block takes
                // seconds and an evm_mine meanwhile adds a block that costs as much.
                await rpc.CallAsync("evm_mine", cancellationToken).ConfigureAwait(false);
                progressAt = clock.Elapsed;
            }
        }

        var elapsed = clock.Elapsed;
        await EnsureSucceededAsync(signed, cancellationToken).ConfigureAwait(false);
        return elapsed;
    }

    /// <summary>
    /// One eth_sendRawTransaction batch. anvil stalls now and then on a burst (a batch once went unanswered for the whole
    /// RPC timeout), so a batch not answered is sent again, from the first transaction the chain does not hold yet.
    /// </summary>
    private async Task SendChunkAsync(SignedTransactionBytes[] chunk, CancellationToken cancellationToken)
    {
        var rpc = _connection.Rpc;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var results = await rpc.BatchAsync(chunk.Select(s => new JsonRpcCall("eth_sendRawTransaction", s.RawHex)).ToArray(), cancellationToken).ConfigureAwait(false);
                if (results.FirstOrDefault(r => r.Error is not null).Error is { } error)
                {
                    throw new InvalidOperationException("The chain refused a raw transaction: " + error.Message, error);
                }

                return;
            }
            catch (LedgerUnavailableException ex) when (attempt < SendAttempts)
            {
                Report.Note($"raw sender: a batch of {chunk.Length} transactions was not answered ({ex.Message}); sending what the chain lacks again (attempt {attempt + 1})");
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken).ConfigureAwait(false);
                var held = Hex.ToLong(await rpc.CallAsync("eth_getTransactionCount", cancellationToken, _key.Address, "pending").ConfigureAwait(false));
                chunk = [.. chunk.Where(s => s.Nonce >= held)];
                if (chunk.Length == 0)
                {
                    return;
                }
            }
        }
    }

    private static IEnumerable<SignedTransactionBytes[]> Chunks(IReadOnlyList<SignedTransactionBytes> signed)
    {
        var chunk = new List<SignedTransactionBytes>();
        var bytes = 0;
        foreach (var transaction in signed)
        {
            if (chunk.Count > 0 && (chunk.Count == SendBatchSize || bytes + transaction.RawHex.Length > SendBatchBytes * 2))
            {
                yield return [.. chunk];
                (chunk, bytes) = ([], 0);
            }

            chunk.Add(transaction);
            bytes += transaction.RawHex.Length;
        }

        if (chunk.Count > 0)
        {
            yield return [.. chunk];
        }
    }

    public void Dispose() => _key.Dispose();

    /// <summary>After the clock: a reverted transaction is cheaper for the chain, so the baseline must not count one.</summary>
    private async Task EnsureSucceededAsync(IReadOnlyList<SignedTransactionBytes> signed, CancellationToken cancellationToken)
    {
        foreach (var chunk in signed.Chunk(200))
        {
            var receipts = await _connection.Rpc.BatchAsync(chunk.Select(s => new JsonRpcCall("eth_getTransactionReceipt", s.Hash)).ToArray(), cancellationToken).ConfigureAwait(false);
            foreach (var receipt in receipts)
            {
                if (receipt.Error is not null || receipt.Value.ValueKind != JsonValueKind.Object || !LedgerGateway.ParseReceipt(receipt.Value).Succeeded)
                {
                    throw new LedgerUnavailableException("A raw baseline transaction has no successful receipt.");
                }
            }
        }
    }
}
