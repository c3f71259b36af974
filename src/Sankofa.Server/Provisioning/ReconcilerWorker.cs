using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Sankofa.Core.Provisioning;

namespace Sankofa.Server.Provisioning;

/// <summary>
/// Drives <see cref="ResourceReconciler"/>: every poll (or wake-up) it takes the resources whose next attempt is due and
/// reconciles up to <see cref="ProvisioningOptions.Concurrency"/> at once, never the same resource twice at a time; and
/// every <see cref="ProvisioningOptions.MeteringInterval"/> it meters usage. All state is in the store, so a restart
/// resumes where the last run stopped.
/// </summary>
internal sealed partial class ReconcilerWorker(
    IProvisioningStore store,
    ResourceReconciler reconciler,
    UsageMetering metering,
    ReconcilerSignal signal,
    IOptions<ProvisioningOptions> options,
    TimeProvider time,
    ILogger<ReconcilerWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, byte> inFlight = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var slots = new SemaphoreSlim(settings.Concurrency, settings.Concurrency);
        var nextMetering = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = await store.GetDueAsync(time.GetUtcNow(), settings.Concurrency * 4, stoppingToken);
                foreach (var resource in due)
                {
                    if (!inFlight.TryAdd(resource.Id, 0))
                    {
                        continue;
                    }

                    await slots.WaitAsync(stoppingToken);
                    _ = RunAsync(resource, slots, stoppingToken);
                }

                if (time.GetUtcNow() >= nextMetering)
                {
                    await metering.MeterAsync(stoppingToken);
                    nextMetering = time.GetUtcNow() + settings.MeteringInterval;
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
        try
        {
            var before = resource.Status;
            var after = await reconciler.ReconcileAsync(resource, stoppingToken);
            if (after.Status != before)
            {
                LogProgress(logger, resource.Id, before, after.Status);
            }

            // A step finished and the next may be due at once (a settled resource is not picked again).
            if (!after.IsSettled && after.NextAttemptAt <= time.GetUtcNow())
            {
                signal.Wake();
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
            inFlight.TryRemove(resource.Id, out _);
            slots.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resource {Resource}: {Before} -> {After}")]
    private static partial void LogProgress(ILogger logger, string resource, ResourceStatus before, ResourceStatus after);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciling resource {Resource} failed unexpectedly; it is retried next round")]
    private static partial void LogResourceFailed(ILogger logger, string resource, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciler round failed; retrying")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
