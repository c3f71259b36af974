using Microsoft.EntityFrameworkCore;

namespace Sankofa.Data;

/// <summary>Creates a short-lived context of whichever provider is configured, and orders writers where the database cannot.</summary>
internal interface IStoreContextFactory
{
    SankofaDbContext Create();

    /// <summary>
    /// Waits for this process's turn to write. SQLite has one writer at a time and makes the others sleep and poll
    /// (its busy handler backs off up to 100 ms), which under load wastes most of the time; queueing writers here hands
    /// the lock over at once. PostgreSQL needs no such thing, so there this completes immediately.
    /// </summary>
    ValueTask<IDisposable> EnterWriteAsync(CancellationToken cancellationToken);
}

/// <summary>Adapts EF's pooled factory of one provider's context to <see cref="IStoreContextFactory"/>.</summary>
internal sealed class StoreContextFactory<TContext>(IDbContextFactory<TContext> inner, bool serializeWrites) : IStoreContextFactory, IDisposable
    where TContext : SankofaDbContext
{
    private readonly SemaphoreSlim? writer = serializeWrites ? new SemaphoreSlim(1, 1) : null;

    public SankofaDbContext Create() => inner.CreateDbContext();

    public async ValueTask<IDisposable> EnterWriteAsync(CancellationToken cancellationToken)
    {
        if (writer is null)
        {
            return NoTurn.Instance;
        }

        await writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(writer);
    }

    public void Dispose() => writer?.Dispose();

    private sealed class Turn(SemaphoreSlim writer) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                writer.Release();
            }
        }
    }

    private sealed class NoTurn : IDisposable
    {
        public static readonly NoTurn Instance = new();

        public void Dispose()
        {
        }
    }
}
