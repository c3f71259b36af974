using System.Globalization;
using Medallion.Threading.Postgres;
using Npgsql;
using Sankofa.Core.Replicas;

namespace Sankofa.Data.Replicas;

/// <summary>
/// <see cref="IReplicaLocks"/> as PostgreSQL session advisory locks (DistributedLock.Postgres), each held on a connection
/// of its own: the lock lives exactly as long as that session. A replica killed outright closes its sockets, so
/// PostgreSQL ends its sessions and their locks at once; one whose machine or network died is found by TCP keepalive,
/// set on both ends of these connections (<see cref="ReplicaOptions.Keepalive"/>), within
/// <see cref="ReplicaOptions.DeadReplicaBound"/>.
/// </summary>
internal sealed class PostgresReplicaLocks : IReplicaLocks
{
    private readonly PostgresDistributedSynchronizationProvider provider;

    public PostgresReplicaLocks(string storeConnectionString, ReplicaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        provider = new PostgresDistributedSynchronizationProvider(ConnectionString(storeConnectionString, options), o => o
            .UseMultiplexing(false)
            // A query on the idle connection now and then: the holder learns a broken connection (Lost) without waiting for its own next query.
            .KeepaliveCadence(options.KeepaliveProbeInterval));
    }

    public bool SpansProcesses => true;

    public async Task<IReplicaLock> AcquireAsync(string name, CancellationToken cancellationToken) =>
        new Held(await provider.CreateLock(Key(name)).AcquireAsync(timeout: null, cancellationToken).ConfigureAwait(false));

    public async Task<IReplicaLock?> TryAcquireAsync(string name, CancellationToken cancellationToken) =>
        await provider.CreateLock(Key(name)).TryAcquireAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false) is { } handle ? new Held(handle) : null;

    /// <summary>
    /// The store's connection string with keepalive on both ends: the server's (tcp_keepalives_*, sent as session
    /// options) ends a dead replica's session and its locks; Npgsql's own lets this side notice a dead server.
    /// </summary>
    internal static string ConnectionString(string storeConnectionString, ReplicaOptions options)
    {
        var idle = (int)Math.Max(1, options.Keepalive.TotalSeconds);
        var interval = (int)options.KeepaliveProbeInterval.TotalSeconds;
        var builder = new NpgsqlConnectionStringBuilder(storeConnectionString)
        {
            ApplicationName = "sankofa-replica-locks",
            TcpKeepAlive = true,
            TcpKeepAliveTime = idle,
            TcpKeepAliveInterval = interval,
        };
        var serverKeepalive = string.Create(CultureInfo.InvariantCulture,
            $"-c tcp_keepalives_idle={idle} -c tcp_keepalives_interval={interval} -c tcp_keepalives_count={ReplicaOptions.KeepaliveProbes}");
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? serverKeepalive : builder.Options + " " + serverKeepalive;
        return builder.ConnectionString;
    }

    // Names hash to the 64-bit key space of pg_advisory_lock; the prefix keeps them apart from other users of the database.
    private static PostgresAdvisoryLockKey Key(string name) => new("sankofa:" + name, allowHashing: true);

    private sealed class Held(PostgresDistributedLockHandle handle) : IReplicaLock
    {
        public CancellationToken Lost => handle.HandleLostToken;

        public async ValueTask DisposeAsync()
        {
            try
            {
                await handle.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // The connection broke: PostgreSQL ended the session, and the lock with it; there is nothing left to release.
            }
        }
    }
}
