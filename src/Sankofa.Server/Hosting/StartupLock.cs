using Sankofa.Core.Replicas;

namespace Sankofa.Server.Hosting;

/// <summary>
/// Replicas starting at once on one store start one after the other: everything a start creates once — the schema
/// (migrations), the signing key and the contracts it deploys (recorded in the shared <c>ledger/deployment.json</c>), the
/// first administrator, the issuer's clients — is made by the first and found by the next. Held from before the first
/// hosted service starts until the last has; a replica that dies meanwhile releases it with its connection.
/// </summary>
internal sealed partial class StartupLock(IReplicaLocks locks, ILogger<StartupLock> logger) : IHostedLifecycleService
{
    private IReplicaLock? held;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (locks.SpansProcesses)
        {
            held = await locks.AcquireAsync("start-up", cancellationToken).ConfigureAwait(false);
            LogHeld(logger);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => ReleaseAsync();

    public Task StoppingAsync(CancellationToken cancellationToken) => ReleaseAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ReleaseAsync()
    {
        if (Interlocked.Exchange(ref held, null) is { } release)
        {
            await release.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "Holding the start-up lock: no other replica starts until this one has")]
    private static partial void LogHeld(ILogger logger);
}
