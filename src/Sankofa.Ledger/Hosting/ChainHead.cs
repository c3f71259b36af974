namespace Sankofa.Ledger.Hosting;

/// <summary>
/// The chain's head block as this process last saw it, for reads that may be answered from what was read at that block.
/// Unknown until polled, and unknown again the moment a transaction of this process is confirmed (<see cref="Moved"/>):
/// a poll that started before then does not bring the older head back.
/// </summary>
internal sealed class ChainHead
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private Block? _block;
    private long _version;

    /// <summary>
    /// A head block: its number and hash, on the connection of <see cref="LedgerRuntime.Generation"/> <paramref name="Generation"/>,
    /// and when it was asked for (every block mined before then is at or below it).
    /// </summary>
    internal sealed record Block(long Number, string Hash, long Generation, DateTimeOffset AskedAt);

    /// <summary>The head last seen, or null when it is not known now.</summary>
    public Block? Current => Volatile.Read(ref _block);

    /// <summary>Changes with every <see cref="Moved"/>: a poll passes the value it started with to <see cref="TrySet"/>.</summary>
    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    /// <summary>The chain has (or may have) a newer block than the one known: forget it and wake the poller.</summary>
    public void Moved()
    {
        Forget();
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another Moved woke it first.
            }
        }
    }

    /// <summary>The head is not known now (the chain did not answer): reads go to its latest state until a poll finds one.</summary>
    public void Forget()
    {
        lock (_lock)
        {
            _version++;
            Volatile.Write(ref _block, null);
        }
    }

    /// <summary>Records the head a poll found, unless the chain was said to have moved since the poll began.</summary>
    public bool TrySet(long version, Block block)
    {
        lock (_lock)
        {
            if (version != _version)
            {
                return false;
            }

            Volatile.Write(ref _block, block);
            return true;
        }
    }

    /// <summary>Waits until <see cref="Moved"/> or the wait is cancelled (the poller's interval).</summary>
    public async Task WaitForMoveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _wake.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The interval passed (or the host stops: the caller looks at its own token).
        }
    }
}
