using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sankofa.Core.Ledger;
using Sankofa.Core.Replicas;
using Sankofa.Data;
using Sankofa.Ledger;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;
using Sankofa.Server.Tests.Identity.Accounts;
using Sankofa.Server.Tests.Infrastructure;
using Xunit.Sdk;

namespace Sankofa.Server.Tests.Ledger;

/// <summary>
/// Replicas share the control plane's one key: two gateways, each with its own replica locks on one PostgreSQL (as two
/// processes have), send many transactions at once with that key to one chain, and every one is mined exactly once,
/// with no nonce left stuck; and a transaction whose nonce another sender took before it reached the node is signed
/// again at once.
/// </summary>
public sealed class SharedSignerTests : IAsyncLifetime
{
    private const int WorkersPerReplica = 4;
    private const int SendsPerWorker = 40;

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-shared-signer-");
    private readonly List<ServiceProvider> replicas = [];
    private readonly LogCapture logs = new();
    private string database = null!;

    public async Task InitializeAsync() => database = await TestPostgres.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync();
        }

        await TestPostgres.DropDatabaseAsync(database);
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Two_replicas_sending_with_one_key_get_every_transaction_mined_once_and_no_nonce_stuck()
    {
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        using var key = SigningKey.Generate();
        // A transaction that may have reached a pool and was displaced waits ten minutes before it is signed again, past
        // the confirmation timeout: only replicas that never push each other's transactions out get every one through.
        var options = new LedgerOptions { RpcUrl = anvil.RpcUrl, DisplacedAfter = TimeSpan.FromMinutes(10), ConfirmationTimeout = TimeSpan.FromMinutes(2) };
        await using var first = Gateway(anvil, key, options, Locks(), "a");
        await using var second = Gateway(anvil, key, options, Locks(), "b");

        var sends = new[] { ("a", first), ("b", second) }
            .SelectMany(r => Enumerable.Range(0, WorkersPerReplica).Select(w => Task.Run(async () =>
            {
                var receipts = new List<(string Payload, TransactionReceipt Receipt)>();
                for (var i = 0; i < SendsPerWorker; i++)
                {
                    var payload = $"{r.Item1}-{w}-{i}";
                    receipts.Add((payload, await r.Item2.SendAsync(Request(payload), CancellationToken.None)));
                }

                return receipts;
            })))
            .ToList();
        var sent = (await WithDiagnosticsAsync(anvil, key, Task.WhenAll(sends))).SelectMany(r => r).ToList();

        Assert.All(sent, s => Assert.True(s.Receipt.Succeeded, s.Payload));
        var latest = await NonceAsync(anvil, key.Address, "latest");
        Assert.Equal(latest, await NonceAsync(anvil, key.Address, "pending")); // nothing left waiting behind a gap
        Assert.Equal(2 * WorkersPerReplica * SendsPerWorker, latest); // no nonce spent on a filler or a second copy

        // Read back from the chain: each payload in exactly one mined transaction of the key.
        var mined = new Dictionary<string, int>(StringComparer.Ordinal);
        var blocks = Hex.ToLong(await anvil.CallAsync("eth_blockNumber"));
        for (var number = 1L; number <= blocks; number++)
        {
            var block = await anvil.CallAsync("eth_getBlockByNumber", Hex.Quantity(number), true);
            foreach (var transaction in block.GetProperty("transactions").EnumerateArray()
                         .Where(t => string.Equals(t.GetProperty("from").GetString(), key.Address, StringComparison.OrdinalIgnoreCase)))
            {
                var payload = Encoding.UTF8.GetString(Hex.ToBytes(transaction.GetProperty("input").GetString()!));
                mined[payload] = mined.GetValueOrDefault(payload) + 1;
            }
        }

        Assert.Equal(sent.Select(s => s.Payload).Order(StringComparer.Ordinal), mined.Keys.Order(StringComparer.Ordinal));
        Assert.All(mined, m => Assert.Equal(1, m.Value));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_transaction_whose_nonce_another_sender_took_first_is_signed_again_at_once(bool takerStillPooled)
    {
        await using var anvil = await ExternalAnvil.StartAsync(directory.FullName);
        using var key = SigningKey.Generate();
        // Ten minutes: only a gateway that knows its transaction never reached the node signs it again within the minute.
        var options = new LedgerOptions { RpcUrl = anvil.RpcUrl, DisplacedAfter = TimeSpan.FromMinutes(10), ConfirmationTimeout = TimeSpan.FromMinutes(1) };
        await using var gateway = Gateway(anvil, key, options, locks: null, "alone");
        await gateway.SendAsync(Request("warm-up"), CancellationToken.None);

        // Another user of the key takes the gateway's next nonce: mined already, or still waiting in the pool.
        if (takerStillPooled)
        {
            await anvil.CallAsync("evm_setAutomine", false);
        }

        var taker = new TransactionSigner(key, 31337).Sign(new UnsignedTransaction(1, Sink, Encoding.UTF8.GetBytes("taker"), 30_000, 0, 0));
        await anvil.CallAsync("eth_sendRawTransaction", taker.RawHex);
        if (!takerStillPooled)
        {
            var mined = await Eventually.UntilAsync(() => anvil.CallAsync("eth_getTransactionReceipt", taker.Hash), r => r.ValueKind == JsonValueKind.Object);
            Assert.Equal(JsonValueKind.Object, mined.ValueKind);
        }

        var sending = WithDiagnosticsAsync(anvil, key, gateway.SendAsync(Request("after"), CancellationToken.None));
        if (takerStillPooled)
        {
            // Refused while the taker waits ("replacement transaction underpriced"); then the taker is mined.
            Assert.True(await Eventually.UntilAsync(() => Task.FromResult(logs.Lines.Any(l => l.Contains("holds its nonce", StringComparison.Ordinal))), refused => refused));
            await anvil.CallAsync("evm_setAutomine", true);
            await anvil.CallAsync("evm_mine");
        }

        var receipt = await sending;

        Assert.True(receipt.Succeeded);
        Assert.Contains(logs.Lines, l => l.Contains("displaced", StringComparison.Ordinal));
        Assert.Equal(3, await NonceAsync(anvil, key.Address, "latest")); // warm-up, taker, and "after" once at nonce 2
        var after = await anvil.CallAsync("eth_getTransactionByHash", receipt.TransactionHash);
        Assert.Equal(2, Hex.ToLong(after.GetProperty("nonce")));
        Assert.Equal("after", Encoding.UTF8.GetString(Hex.ToBytes(after.GetProperty("input").GetString()!)));
    }

    private const string Sink = "0x000000000000000000000000000000000000dEaD";

    private static TransactionRequest Request(string payload) => new(payload, Sink, Encoding.UTF8.GetBytes(payload), 30_000);

    /// <summary>A transaction not confirmed in time fails the test with what the gateways logged and what the node holds.</summary>
    private async Task<T> WithDiagnosticsAsync<T>(ExternalAnvil anvil, SigningKey key, Task<T> sending)
    {
        try
        {
            return await sending;
        }
        catch (LedgerUnavailableException ex)
        {
            throw new XunitException(
                $"{ex.Message}\nnonce latest {await NonceAsync(anvil, key.Address, "latest")}, pending {await NonceAsync(anvil, key.Address, "pending")}; " +
                $"pool {await anvil.CallAsync("txpool_inspect")}\ngateway log (last 60 lines):\n{string.Join('\n', logs.Lines.TakeLast(60))}");
        }
    }

    private IReplicaLocks Locks()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store:Provider"] = "postgres",
            ["Store:ConnectionString"] = database,
        }).Build();
        var replica = new ServiceCollection().AddSankofaStore(configuration).BuildServiceProvider();
        replicas.Add(replica);
        return replica.GetRequiredService<IReplicaLocks>();
    }

    private LedgerGateway Gateway(ExternalAnvil anvil, SigningKey key, LedgerOptions options, IReplicaLocks? locks, string name) =>
        new(new JsonRpcClient(anvil.RpcUrl, TimeSpan.FromSeconds(30)), new TransactionSigner(key, 31337), options, new LedgerMetrics(), TimeProvider.System,
            logs.CreateLogger(name), locks);

    private static async Task<long> NonceAsync(ExternalAnvil anvil, string address, string block) =>
        Hex.ToLong(await anvil.CallAsync("eth_getTransactionCount", address, block));
}
