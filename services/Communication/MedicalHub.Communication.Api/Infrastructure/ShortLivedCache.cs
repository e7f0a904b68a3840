using System.Collections.Concurrent;

namespace MedicalHub.Communication.Api.Infrastructure;

/// <summary>
/// Organization settings read on every notification and changed rarely (routing, template variants), kept in memory
/// for <see cref="Duration"/>. A change saved through this replica applies at once (<see cref="Forget"/>); other
/// replicas see it within <see cref="Duration"/>.
/// </summary>
public class ShortLivedCache<TKey, TValue>
    where TKey : notnull
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<TKey, (TValue Value, long ReadAt)> _entries = new();

    // Bumped by every Forget: a read that began before a change and ends after its Forget is not kept.
    private long _generation;

    public async Task<TValue> GetAsync(TKey key, Func<Task<TValue>> load)
    {
        var now = Environment.TickCount64;
        if (_entries.TryGetValue(key, out var cached) && now - cached.ReadAt < Duration.TotalMilliseconds)
        {
            return cached.Value;
        }
        var generation = Interlocked.Read(ref _generation);
        var value = await load();
        if (Interlocked.Read(ref _generation) == generation)
        {
            _entries[key] = (value, now);
        }
        return value;
    }

    /// <summary>Drops what is known of <paramref name="key"/>: call after changing it.</summary>
    public void Forget(TKey key)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(key, out _);
    }
}
