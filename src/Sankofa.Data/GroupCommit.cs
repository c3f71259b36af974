using System.Collections.Concurrent;

namespace Sankofa.Data;

/// <summary>
/// Group commit: each caller queues its write, then whoever gets the store's write turn commits everything queued so
/// far in one transaction. Concurrent writes share one commit, and the index pages they all touch are written once
/// instead of once each. The committer decides what each write learns; when it throws, nothing of the group was
/// committed and every write in it fails with that error, so nothing is half-recorded.
/// </summary>
/// <remarks>
/// SQLite's write turn (<see cref="IStoreContextFactory.EnterWriteAsync"/>) is what makes writes queue up and group.
/// PostgreSQL has no such turn, so without <c>concurrentGroups</c> every caller commits at once with little or nothing
/// else queued; with it, at most that many groups of this kind commit at a time in this process and the writes that
/// arrive meanwhile go in the next group together.
/// </remarks>
/// <typeparam name="TWrite">The queued write; it carries its own completion.</typeparam>
internal sealed class GroupCommit<TWrite>(IStoreContextFactory contexts, int limit, Func<IReadOnlyList<TWrite>, CancellationToken, Task> commit, int? concurrentGroups = null)
    where TWrite : GroupCommit<TWrite>.IWrite
{
    private readonly ConcurrentQueue<TWrite> queue = new();
    private readonly SemaphoreSlim? turns = concurrentGroups is { } n ? new SemaphoreSlim(n, n) : null;

    /// <summary>A write waiting in the queue.</summary>
    public interface IWrite
    {
        /// <summary>How much of the group's <c>limit</c> it takes (rows, or 1 per write).</summary>
        int Weight { get; }

        /// <summary>Completes when the write committed, or fails with its own error or the group's.</summary>
        Task Done { get; }

        /// <summary>Fails the write; a write already completed stays as it is.</summary>
        void Fail(Exception error);
    }

    /// <summary>Queues <paramref name="write"/> and returns once its group was committed (or failed).</summary>
    public async Task SubmitAsync(TWrite write, CancellationToken cancellationToken)
    {
        queue.Enqueue(write);
        if (turns is not null)
        {
            await turns.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            using (await contexts.EnterWriteAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!write.Done.IsCompleted)
                {
                    // Not the caller's token: the group holds other callers' writes, which must not fail because this one gave up.
                    await CommitQueuedAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            turns?.Release();
        }

        await write.Done.ConfigureAwait(false);
    }

    private async Task CommitQueuedAsync()
    {
        // Up to the limit; the rest wait for the next turn so no transaction grows without bound.
        var group = new List<TWrite>();
        var weight = 0;
        while (weight < limit && queue.TryDequeue(out var next))
        {
            group.Add(next);
            weight += next.Weight;
        }

        try
        {
            await commit(group, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            foreach (var write in group)
            {
                write.Fail(ex);
            }
        }
    }
}
