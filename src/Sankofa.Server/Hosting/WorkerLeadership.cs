using Microsoft.Extensions.Options;
using Sankofa.Core.Replicas;

namespace Sankofa.Server.Hosting;

/// <summary>
/// One leader per worker among the replicas on one store: a worker's loop runs only while this replica holds the
/// worker's replica lock. The others try to take it over every <see cref="ReplicaOptions.TakeoverInterval"/>; a leader that
/// dies loses it with its connection (at once when the process is killed, within <see cref="ReplicaOptions.DeadReplicaBound"/>
/// when its machine is lost), and a leader whose connection broke stops its loop, since another may lead by then.
/// Alone on SQLite this replica leads every worker at once.
/// </summary>
internal sealed partial class WorkerLeadership(IReplicaLocks locks, IOptions<ReplicaOptions> options, TimeProvider time, ILogger<WorkerLeadership> logger)
{
    /// <summary>Runs <paramref name="work"/> whenever this replica leads <paramref name="worker"/>, until <paramref name="stoppingToken"/> fires or the work returns.</summary>
    /// <param name="worker">The worker's name, the same in every replica.</param>
    /// <param name="work">The worker's loop; its token fires when the leadership is lost or the host stops.</param>
    /// <param name="stoppingToken">The host's stopping token.</param>
    /// <param name="following">Called each time this replica finds another one leading <paramref name="worker"/>.</param>
    public async Task RunAsync(string worker, Func<CancellationToken, Task> work, CancellationToken stoppingToken, Action? following = null)
    {
        var waiting = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            IReplicaLock? held;
            try
            {
                held = await locks.TryAcquireAsync(worker, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The store is away: nobody can lead until it is back, try again later.
                LogUnavailable(logger, worker, ex.Message);
                held = null;
            }

            if (held is null)
            {
                if (!waiting)
                {
                    waiting = true;
                    LogFollowing(logger, worker);
                    following?.Invoke();
                }

                await Task.Delay(options.Value.TakeoverInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            waiting = false;
            if (locks.SpansProcesses)
            {
                LogLeading(logger, worker);
            }

            var returned = false;
            try
            {
                using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, held.Lost);
                try
                {
                    await work(leading.Token).ConfigureAwait(false);
                    returned = !leading.IsCancellationRequested;
                }
                catch (OperationCanceledException) when (leading.IsCancellationRequested)
                {
                }

                if (held.Lost.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
                {
                    LogLost(logger, worker);
                }
            }
            finally
            {
                await held.DisposeAsync().ConfigureAwait(false);
            }

            if (returned)
            {
                return; // the worker has nothing to do in this configuration
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "This replica leads {Worker}")]
    private static partial void LogLeading(ILogger logger, string worker);

    [LoggerMessage(2, LogLevel.Information, "Another replica leads {Worker}; this one takes over if it goes")]
    private static partial void LogFollowing(ILogger logger, string worker);

    [LoggerMessage(3, LogLevel.Warning, "This replica lost the leadership of {Worker} (its lock connection broke); it stopped the worker and tries to lead again")]
    private static partial void LogLost(ILogger logger, string worker);

    [LoggerMessage(4, LogLevel.Warning, "The leadership of {Worker} cannot be decided now: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string worker, string reason);
}
