namespace MedicalHub.Data.Retries;

/// <summary>How long to wait before retrying something that failed: shared by the outbox relay and the delivery engine.</summary>
public static class Backoff
{
    /// <summary>
    /// The delay before attempt <paramref name="attempt"/> + 1: <paramref name="first"/> doubled each attempt up to
    /// <paramref name="max"/>, with jitter over its upper half (<paramref name="random"/> in [0, 1)), so failing replicas
    /// do not retry in step.
    /// </summary>
    public static TimeSpan ExponentialWithJitter(TimeSpan first, TimeSpan max, int attempt, double random)
    {
        var exponential = first.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + capped / 2 * random);
    }
}
