using System.Diagnostics;
using Npgsql;
using Sankofa.Core.Replicas;
using Sankofa.Data.Replicas;

namespace Sankofa.Data.Tests.Replicas;

/// <summary>
/// The replica locks on a real PostgreSQL, each holder with its own connections as separate replicas have: one holder
/// at a time, and a holder whose connection dies loses the lock to the next within the stated bound.
/// </summary>
public sealed class PostgresReplicaLocksTests : IAsyncLifetime
{
    private static readonly ReplicaOptions Options = new();
    private string connectionString = null!;

    public async Task InitializeAsync() => connectionString = await TestPostgres.CreateDatabaseAsync();

    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(connectionString);

    [Fact]
    public async Task Of_two_replicas_one_leads_and_the_other_takes_over_when_the_leaders_connection_dies()
    {
        // Two providers: two pools, as two processes would have.
        var first = new PostgresReplicaLocks(connectionString, Options);
        var second = new PostgresReplicaLocks(connectionString, Options);

        var leader = await first.TryAcquireAsync("worker", CancellationToken.None);
        Assert.NotNull(leader);
        Assert.Null(await second.TryAcquireAsync("worker", CancellationToken.None));
        await using (var other = await second.TryAcquireAsync("other-worker", CancellationToken.None))
        {
            Assert.NotNull(other); // names are independent
        }

        // The leader's session ends the way a dead replica's does: PostgreSQL drops it.
        Assert.Equal(1, await TerminateHoldersAsync());

        var taken = Stopwatch.StartNew();
        IReplicaLock? successor = null;
        while (successor is null)
        {
            Assert.True(taken.Elapsed < Options.DeadReplicaBound, $"no takeover within {Options.DeadReplicaBound}");
            successor = await second.TryAcquireAsync("worker", CancellationToken.None);
            if (successor is null)
            {
                await Task.Delay(Options.TakeoverInterval);
            }
        }

        await using (successor)
        {
            // The old holder learns it lost the lock, so it stops working under it.
            using var noticed = CancellationTokenSource.CreateLinkedTokenSource(leader.Lost);
            noticed.CancelAfter(Options.DeadReplicaBound);
            try
            {
                await Task.Delay(Timeout.Infinite, noticed.Token);
            }
            catch (TaskCanceledException)
            {
            }

            Assert.True(leader.Lost.IsCancellationRequested, "the old leader never noticed it lost the lock");
            Assert.Null(await first.TryAcquireAsync("worker", CancellationToken.None));
        }

        await leader.DisposeAsync(); // releasing a lock already lost is harmless
        await using var again = await first.TryAcquireAsync("worker", CancellationToken.None);
        Assert.NotNull(again);
    }

    [Fact]
    public async Task A_waiting_replica_gets_the_lock_as_soon_as_the_holder_releases_it()
    {
        var first = new PostgresReplicaLocks(connectionString, Options);
        var second = new PostgresReplicaLocks(connectionString, Options);
        var held = await first.AcquireAsync("signer", CancellationToken.None);
        var waiting = second.AcquireAsync("signer", CancellationToken.None);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        await held.DisposeAsync();
        await using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Null(await first.TryAcquireAsync("signer", CancellationToken.None));
    }

    [Fact]
    public async Task Lock_connections_ask_PostgreSQL_to_probe_a_silent_replica_so_its_locks_end_within_the_bound()
    {
        await using var connection = new NpgsqlConnection(PostgresReplicaLocks.ConnectionString(connectionString, Options));
        await connection.OpenAsync();
        Assert.Equal("10", await ShowAsync(connection, "tcp_keepalives_idle"));
        Assert.Equal("5", await ShowAsync(connection, "tcp_keepalives_interval"));
        Assert.Equal("3", await ShowAsync(connection, "tcp_keepalives_count"));
        Assert.Equal(TimeSpan.FromSeconds(25), Options.DeadReplicaBound);
    }

    private static async Task<string> ShowAsync(NpgsqlConnection connection, string setting)
    {
        await using var command = new NpgsqlCommand("SHOW " + setting, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task<int> TerminateHoldersAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            connection);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }
}
