namespace MedicalHub.Data.Work;

/// <summary>
/// Wakes a <see cref="PollingWorker"/> of this process when work was just queued, so work due now does not wait for the
/// next poll. Each worker has its own subclass (one singleton per kind), e.g. Communication's <c>DeliveryEngineSignal</c>.
/// </summary>
public class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    /// <returns>True when woken, false when <paramref name="timeout"/> passed.</returns>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        _signal.Dispose();
        GC.SuppressFinalize(this);
    }
}
