namespace Sankofa.Server.Provisioning;

/// <summary>Wakes the reconciler when a request changed a resource, so it does not wait for its next poll.</summary>
internal sealed class ReconcilerSignal : IDisposable
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
