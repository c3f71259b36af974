using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Sankofa.Core;
using Sankofa.Core.Replicas;

namespace Sankofa.Data.Replicas;

/// <summary>Settings of the replicas' signal bus on PostgreSQL (configuration section <c>ReplicaSignals</c>).</summary>
public sealed class ReplicaSignalOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "ReplicaSignals";

    /// <summary>The NOTIFY channel; replicas on one database must use the same one. Default <c>sankofa_replicas</c>.</summary>
    public string Channel { get; set; } = "sankofa_replicas";

    /// <summary>
    /// How long the listening connection may be idle before it is checked with a query; a connection lost without a word
    /// (a dropped route) is found within this, then reconnected and every subscriber drops what it keeps. Default 5 seconds.
    /// </summary>
    public TimeSpan IdleCheck { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First wait before connecting again after a failure, doubled per failure. Default 250 ms.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait before connecting again. Default 10 seconds.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The replicas' bus on PostgreSQL's LISTEN/NOTIFY, all on one channel of the shared database. One dedicated connection
/// listens (waiting with <c>WaitAsync</c>, checked by a query when idle, reconnected with backoff); every (re)connection
/// tells every subscriber to drop everything, since what was notified while it was away is lost. Published signals are
/// delivered here at once, queued, and sent by one sender on a connection of its own with <c>pg_notify</c>, identical
/// ones in a batch coalesced; a failed send is retried (signals kept meanwhile), and this replica's own notifications are
/// skipped when they come back. Sent after the change committed, not inside its transaction: a change is never announced
/// before it can be read, and a signal lost with a crash between the two is covered by each cache's own bound.
/// </summary>
internal sealed partial class PostgresReplicaSignals : BackgroundService, IReplicaSignals
{
    private const int BatchLimit = 500;

    private readonly string listenConnection;
    private readonly string notifyConnection;
    private readonly ReplicaSignalOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<PostgresReplicaSignals> logger;
    private readonly SignalSubscribers subscribers;
    private readonly string replica = Guid.NewGuid().ToString("N");
    private readonly Channel<string> outgoing = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public PostgresReplicaSignals(string connectionString, ReplicaSignalOptions options, TimeProvider time, ILogger<PostgresReplicaSignals> logger)
    {
        // Its own connections, outside the store's pool and named so in pg_stat_activity: the listener holds one for good.
        listenConnection = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "sankofa-replica-listen" }.ConnectionString;
        notifyConnection = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "sankofa-replica-notify" }.ConnectionString;
        this.options = options;
        this.time = time;
        this.logger = logger;
        subscribers = new(logger);
    }

    private int connections;

    /// <summary>How many times the listener has connected (tests wait for a reconnection with it).</summary>
    public int Connections => Volatile.Read(ref connections);

    public void Publish(string name, string payload)
    {
        SignalSubscribers.Check(name, payload);
        subscribers.Deliver(name, payload);
        outgoing.Writer.TryWrite(Envelope.Wrap(replica, name, payload));
    }

    public IDisposable Subscribe(string name, Action<string> onSignal, Action onMissed) => subscribers.Add(name, onSignal, onMissed);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(listenConnection);
                await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, e) => Received(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN \"{options.Channel.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                // Listening from here on; whatever was sent before (or while away) is lost to this replica.
                Interlocked.Increment(ref connections);
                if (failures > 0)
                {
                    LogReconnected(logger, failures);
                }

                failures = 0;
                subscribers.Missed();
                while (true)
                {
                    if (!await connection.WaitAsync(options.IdleCheck, stoppingToken).ConfigureAwait(false))
                    {
                        await using var check = new NpgsqlCommand("SELECT 1", connection);
                        await check.ExecuteScalarAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                var delay = RetryBackoff.Delay(failures, options.ReconnectDelay, options.MaxReconnectDelay);
                LogListenFailed(logger, delay, ex.Message);

                // Until connected again nothing tells this replica of others' changes: drop what it keeps now too.
                subscribers.Missed();
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Received(string text)
    {
        if (Envelope.TryUnwrap(text, out var from, out var name, out var payload) && from != replica)
        {
            subscribers.Deliver(name, payload);
        }
    }

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        var batch = new HashSet<string>(StringComparer.Ordinal);
        var failures = 0;
        NpgsqlConnection? connection = null; // kept open between batches, opened again after a failure
        try
        {
            while (await outgoing.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (batch.Count < BatchLimit && outgoing.Reader.TryRead(out var signal))
                {
                    batch.Add(signal);
                }

                try
                {
                    if (connection is null)
                    {
                        connection = new NpgsqlConnection(notifyConnection);
                        await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                    }

                    await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, p) FROM unnest(@payloads) AS p", connection);
                    notify.Parameters.AddWithValue("channel", options.Channel);
                    notify.Parameters.AddWithValue("payloads", batch.ToArray());
                    await notify.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                    batch.Clear();
                    failures = 0;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Kept and sent with what comes next; the other replicas' caches age meanwhile, as they do when their listener is away.
                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }

                    failures++;
                    var delay = RetryBackoff.Delay(failures, options.ReconnectDelay, options.MaxReconnectDelay);
                    LogSendFailed(logger, batch.Count, delay, ex.Message);
                    await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica signals: listening failed ({Reason}); every cache is dropped, connecting again in {Delay}")]
    private static partial void LogListenFailed(ILogger logger, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replica signals: listening again after {Failures} failures")]
    private static partial void LogReconnected(ILogger logger, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica signals: {Count} signals could not be sent ({Reason}); trying again in {Delay}")]
    private static partial void LogSendFailed(ILogger logger, int count, TimeSpan delay, string reason);
}
