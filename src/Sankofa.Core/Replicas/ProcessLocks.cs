using System.Collections.Concurrent;

namespace Sankofa.Core.Replicas;

/// <summary>
/// <see cref="IReplicaLocks"/> for a store only one process opens (SQLite: one server by construction): the locks only
/// have to exclude callers inside this process, so they are semaphores, and none is ever lost.
/// </summary>
public sealed class ProcessLocks : IReplicaLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> locks = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public bool SpansProcesses => false;

    /// <inheritdoc/>
    public async Task<IReplicaLock> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        var semaphore = Semaphore(name);
        await semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Held(semaphore);
    }

    /// <inheritdoc/>
    public async Task<IReplicaLock?> TryAcquireAsync(string name, CancellationToken cancellationToken)
    {
        var semaphore = Semaphore(name);
        return await semaphore.WaitAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false) ? new Held(semaphore) : null;
    }

    private SemaphoreSlim Semaphore(string name) => locks.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));

    private sealed class Held(SemaphoreSlim semaphore) : IReplicaLock
    {
        private int released;

        public CancellationToken Lost => CancellationToken.None;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                semaphore.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
