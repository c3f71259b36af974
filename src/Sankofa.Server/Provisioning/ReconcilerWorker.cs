using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Sankofa.Core.Provisioning;

namespace Sankofa.Server.Provisioning;

/// <summary>
/// Drives <see cref="ResourceReconciler"/>: every poll (or wake-up) it claims as many due resources as it has free
/// slots (<see cref="ProvisioningOptions.Concurrency"/>) and reconciles them, never the same resource twice at a time,
/// here or on another server sharing the store (claims are leases, renewed at every stored step). All state is in the
/// store, so a restart resumes where the last run stopped. Every replica runs it: a claim is an update that checks
/// again that the resource is due, so two replicas never both claim one, each under its own
/// <see cref="ProvisioningOptions.InstanceId"/>; a dead replica's claims run out after
/// <see cref="ProvisioningOptions.ClaimDuration"/> (or at once when it restarts under the same id).
/// </summary>
internal sealed partial class ReconcilerWorker(
    IResourceStore store,
    ResourceReconciler reconciler,
    ReconcilerSignal signal,
    Monitoring.ProvisioningMetrics metrics,
    IOptions<ProvisioningOptions> options,
    TimeProvider time,
    ILogger<ReconcilerWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, byte> inFlight = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var slots = new SemaphoreSlim(settings.Concurrency, settings.Concurrency);
        var resumed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!resumed)
                {
                    // What this server held when it stopped is resumed now rather than when its claims run out.
                    var released = await store.ReleaseClaimsAsync(settings.InstanceId, time.GetUtcNow(), stoppingToken);
                    LogResumed(logger, released, settings.InstanceId);
                    resumed = true;
                }

                // Claim only what free slots can take: claimed resources are not due for anyone else, so each round
                // reads just the work it starts, however many resources wait.
                var free = slots.CurrentCount;
                var now = time.GetUtcNow();
                var claimed = free == 0 ? [] : await store.ClaimDueAsync(settings.InstanceId, now, now + settings.ClaimDuration, free, stoppingToken);
                foreach (var resource in claimed)
                {
                    if (!inFlight.TryAdd(resource.Id, 0))
                    {
                        continue; // still running here from an earlier claim (a step outlasted the claim)
                    }

                    await slots.WaitAsync(stoppingToken);
                    _ = RunAsync(resource, slots, stoppingToken);
                }

                if (claimed.Count == free && free > 0)
                {
                    continue; // there may be more due work than there were slots: claim again as slots free up
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A store hiccup must not stop provisioning: the next round reads the state again.
                LogRoundFailed(logger, ex);
            }

            try
            {
                await signal.WaitAsync(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        // Let running steps see the cancellation and finish before the slots go away.
        for (var i = 0; i < settings.Concurrency; i++)
        {
            await slots.WaitAsync(CancellationToken.None);
        }
    }

    private async Task RunAsync(Resource resource, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        await Task.Yield();
        // The round's span is current around its log records too, so they carry the trace id of the request that asked.
        var span = ProvisioningTracing.StartReconcile(resource);
        var after = resource;
        try
        {
            var started = time.GetTimestamp();
            after = await reconciler.ReconcileAsync(resource, stoppingToken);
            metrics.Reconciled(resource.Status, time.GetElapsedTime(started));
            metrics.Stepped(resource, after, time.GetUtcNow());
            if (after.Status != resource.Status)
            {
                LogProgress(logger, resource.Id, resource.Status, after.Status);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogResourceFailed(logger, resource.Id, ex);
        }
        finally
        {
            ProvisioningTracing.EndReconcile(span, after);
            inFlight.TryRemove(resource.Id, out _);
            slots.Release();
            // A slot is free: due work may be waiting for it.
            signal.Wake();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resource {Resource}: {Before} -> {After}")]
    private static partial void LogProgress(ILogger logger, string resource, ResourceStatus before, ResourceStatus after);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciling resource {Resource} failed unexpectedly; it is retried next round")]
    private static partial void LogResourceFailed(ILogger logger, string resource, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciler resumed {Count} resources held by {Instance} before it stopped")]
    private static partial void LogResumed(ILogger logger, int count, string instance);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciler round failed; retrying")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
