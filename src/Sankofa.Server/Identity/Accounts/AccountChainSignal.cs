namespace Sankofa.Server.Identity.Accounts;

/// <summary>Wakes the chain worker when a change queued steps, so registration does not wait for the next poll.</summary>
internal sealed class AccountChainSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Wake()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers every change before it.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => signal.Dispose();
}
