using System.Collections.Concurrent;

namespace MedicalHub.Communication.Api.Templates;

/// <summary>
/// An organization's own variants of a template key (every locale), kept in memory for a few seconds: each notification
/// sent with a template needs them, and they change rarely. A change saved through this replica applies at once
/// (<see cref="Forget"/>); other replicas see it within <see cref="Duration"/>.
/// </summary>
public sealed class OrganizationTemplateCache
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(Guid Organization, string Key), (IReadOnlyList<TemplateContent> Variants, long ReadAt)> _variants = new();

    // Bumped by every Forget: a read that began before a change and ends after its Forget is not kept.
    private long _generation;

    public async Task<IReadOnlyList<TemplateContent>> GetAsync(Guid organizationId, string key, Func<Task<IReadOnlyList<TemplateContent>>> load)
    {
        var now = Environment.TickCount64;
        if (_variants.TryGetValue((organizationId, key), out var cached) && now - cached.ReadAt < Duration.TotalMilliseconds)
        {
            return cached.Variants;
        }
        var generation = Interlocked.Read(ref _generation);
        var variants = await load();
        if (Interlocked.Read(ref _generation) == generation)
        {
            _variants[(organizationId, key)] = (variants, now);
        }
        return variants;
    }

    /// <summary>Drops what is known of the organization's variants of <paramref name="key"/>: call after changing one.</summary>
    public void Forget(Guid organizationId, string key)
    {
        Interlocked.Increment(ref _generation);
        _variants.TryRemove((organizationId, key), out _);
    }
}
