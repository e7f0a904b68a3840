namespace MedicalHub.Communication.Api.Engine;

/// <summary>Wakes this replica's engine when it accepted work, so a notification due now does not wait for the next poll.</summary>
public sealed class DeliveryEngineSignal : IDisposable
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
    public void Dispose() => _signal.Dispose();

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
