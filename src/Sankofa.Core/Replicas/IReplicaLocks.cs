namespace Sankofa.Core.Replicas;

/// <summary>
/// Named locks shared by every control-plane replica on one store: while one replica holds a name, no other gets it.
/// They partition work that must run in one place at a time (a worker's leadership, the chain signer's nonces, the
/// start-up that deploys contracts) without any process-local state. A lock ends when its holder releases it, and also
/// when the holder dies: the store notices the lost connection within a bound (docs/operations.md).
/// </summary>
public interface IReplicaLocks
{
    /// <summary>
    /// True when other processes can hold these locks (PostgreSQL shared by replicas); false when only this process uses
    /// the store (SQLite), so that callers may skip work that only matters between replicas.
    /// </summary>
    bool SpansProcesses { get; }

    /// <summary>Waits until this process holds <paramref name="name"/>.</summary>
    /// <param name="name">The lock's name, the same in every replica.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    Task<IReplicaLock> AcquireAsync(string name, CancellationToken cancellationToken);

    /// <summary>Takes <paramref name="name"/> when nobody holds it; null when another holder has it.</summary>
    /// <param name="name">The lock's name, the same in every replica.</param>
    /// <param name="cancellationToken">Stops trying.</param>
    Task<IReplicaLock?> TryAcquireAsync(string name, CancellationToken cancellationToken);
}

/// <summary>A held <see cref="IReplicaLocks"/> lock; disposing releases it (and never throws for one already lost).</summary>
public interface IReplicaLock : IAsyncDisposable
{
    /// <summary>
    /// Cancelled when the lock may have ended without a release (the store's connection broke): another replica may hold
    /// it now, so work done under it must stop.
    /// </summary>
    CancellationToken Lost { get; }
}
