using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Sankofa.Data.Replicas;

namespace Sankofa.Data.Tests.Replicas;

/// <summary>The replicas' signal bus on a real PostgreSQL: two buses on one database stand for two replicas.</summary>
public sealed class PostgresReplicaSignalsTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly ReplicaSignalOptions Options = new() { IdleCheck = TimeSpan.FromSeconds(1), ReconnectDelay = TimeSpan.FromMilliseconds(100) };

    private string database = string.Empty;

    public async Task InitializeAsync() => database = await TestPostgres.CreateDatabaseAsync();

    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(database);

    [Fact]
    public async Task A_signal_published_by_one_replica_reaches_the_other_and_its_own_subscribers_once()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync();
        var atFirst = new ConcurrentQueue<string>();
        var atSecond = new ConcurrentQueue<string>();
        using var one = first.Bus.Subscribe("test", atFirst.Enqueue, () => { });
        using var two = second.Bus.Subscribe("test", atSecond.Enqueue, () => { });

        first.Bus.Publish("test", "from-first");
        Assert.Equal(["from-first"], atFirst); // delivered here before Publish returned
        await WaitAsync(() => atSecond.Contains("from-first"), "the first replica's signal at the second");

        // PostgreSQL delivers notifications in commit order: once the second's arrives, the first's own would have too.
        second.Bus.Publish("test", "from-second");
        await WaitAsync(() => atFirst.Contains("from-second"), "the second replica's signal at the first");
        Assert.Equal(["from-first", "from-second"], atFirst);
        Assert.Equal(["from-first", "from-second"], atSecond);
    }

    [Fact]
    public async Task A_killed_listening_connection_is_reconnected_and_subscribers_are_told_to_drop_everything()
    {
        await using var replica = await StartAsync();
        var missed = 0;
        var received = new ConcurrentQueue<string>();
        using var subscription = replica.Bus.Subscribe("test", received.Enqueue, () => Interlocked.Increment(ref missed));
        var connections = replica.Bus.Connections;

        await using (var admin = new NpgsqlConnection(database))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'sankofa-replica-listen'", admin);
            Assert.Equal(1L, await kill.ExecuteScalarAsync());
        }

        await WaitAsync(() => replica.Bus.Connections > connections, "the listener connected again");
        Assert.True(Volatile.Read(ref missed) >= 1, "subscribers were told signals may have been missed");

        // Listening again: another replica's notification arrives.
        await using (var other = new NpgsqlConnection(database))
        {
            await other.OpenAsync();
            await using var notify = new NpgsqlCommand("SELECT pg_notify('sankofa_replicas', 'another-replica' || chr(31) || 'test' || chr(31) || 'after')", other);
            await notify.ExecuteNonQueryAsync();
        }

        await WaitAsync(() => received.Contains("after"), "a signal after the reconnection");
    }

    private async Task<Replica> StartAsync()
    {
        var bus = new PostgresReplicaSignals(database, Options, TimeProvider.System, NullLogger<PostgresReplicaSignals>.Instance);
        await bus.StartAsync(CancellationToken.None);
        var replica = new Replica(bus);
        await WaitAsync(() => bus.Connections >= 1, "the listener connected");
        return replica;
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!condition())
        {
            Assert.False(deadline.IsCancellationRequested, $"Not seen within {Deadline}: {what}.");
            await Task.Delay(20, CancellationToken.None);
        }
    }

    private sealed class Replica(PostgresReplicaSignals bus) : IAsyncDisposable
    {
        public PostgresReplicaSignals Bus => bus;

        public async ValueTask DisposeAsync()
        {
            await bus.StopAsync(CancellationToken.None);
            bus.Dispose();
        }
    }
}
