using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Sankofa.Core.Replicas;
using Sankofa.Data;
using Sankofa.Ledger;
using Sankofa.Ledger.Gateway;
using Sankofa.Ledger.Keys;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Server.Tests.Ledger;

/// <summary>
/// Replicas share the control plane's one key: two gateways, each with its own replica locks on one PostgreSQL (as two
/// processes have), send many transactions at once with that key to one chain, and every one is mined exactly once,
/// with no nonce left stuck.
/// </summary>
public sealed class SharedSignerTests : IAsyncLifetime
{
    private const int WorkersPerReplica = 4;
    private const int SendsPerWorker = 40;

    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("sankofa-shared-signer-");
    private readonly List<ServiceProvider> replicas = [];
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
        // A displaced transaction would wait ten minutes before it is signed again, past the confirmation timeout: only
        // replicas that never sign the same nonce get every transaction through.
        var options = new LedgerOptions { RpcUrl = anvil.RpcUrl, DisplacedAfter = TimeSpan.FromMinutes(10), ConfirmationTimeout = TimeSpan.FromMinutes(2) };
        await using var first = Gateway(anvil, key, options, Locks());
        await using var second = Gateway(anvil, key, options, Locks());

        var sends = new[] { ("a", first), ("b", second) }
            .SelectMany(r => Enumerable.Range(0, WorkersPerReplica).Select(w => Task.Run(async () =>
            {
                var receipts = new List<(string Payload, TransactionReceipt Receipt)>();
                for (var i = 0; i < SendsPerWorker; i++)
                {
                    var payload = $"{r.Item1}-{w}-{i}";
                    var request = new TransactionRequest(payload, Sink, Encoding.UTF8.GetBytes(payload), 30_000);
                    receipts.Add((payload, await r.Item2.SendAsync(request, CancellationToken.None)));
                }

                return receipts;
            })))
            .ToList();
        var sent = (await Task.WhenAll(sends)).SelectMany(r => r).ToList();

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

    private const string Sink = "0x000000000000000000000000000000000000dEaD";

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

    private static LedgerGateway Gateway(ExternalAnvil anvil, SigningKey key, LedgerOptions options, IReplicaLocks locks) =>
        new(new JsonRpcClient(anvil.RpcUrl, TimeSpan.FromSeconds(30)), new TransactionSigner(key, 31337), options, new LedgerMetrics(), TimeProvider.System,
            NullLogger.Instance, locks);

    private static async Task<long> NonceAsync(ExternalAnvil anvil, string address, string block) =>
        Hex.ToLong(await anvil.CallAsync("eth_getTransactionCount", address, block));
}
