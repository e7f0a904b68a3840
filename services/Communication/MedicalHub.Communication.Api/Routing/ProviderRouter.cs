using System.Collections.Concurrent;
using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Communication.Api.Routing;

/// <summary>Which providers carry a channel for an organization, in the order they are tried.</summary>
public sealed class ProviderRouter(IEnumerable<IDeliveryProvider> providers, IOptions<CommunicationSettings> settings)
{
    /// <summary>
    /// How long an organization's routing is reused without reading it again (the engine needs it for every delivery).
    /// A change made through this replica applies at once (<see cref="Forget"/>); other replicas see it within this time.
    /// </summary>
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, IDeliveryProvider> _providers = providers.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(Guid Organization, Channel Channel), (string[] Route, long ReadAt)> _routes = new();

    // Bumped by every Forget: a read that began before a change and ends after its Forget is not kept.
    private long _generation;

    public IDeliveryProvider? Find(string name) => _providers.GetValueOrDefault(name);

    /// <summary>The names of the providers registered for <paramref name="channel"/>.</summary>
    public IEnumerable<string> ProvidersOf(Channel channel) => _providers.Values.Where(p => p.Channel == channel).Select(p => p.Name).Order(StringComparer.Ordinal);

    public string[] DefaultRoute(Channel channel) => settings.Value.Routing.GetValueOrDefault(channel) ?? [];

    /// <summary>The organization's own order when it set one, else the configured default.</summary>
    public async Task<string[]> RouteAsync(CommunicationDbContext db, Guid organizationId, Channel channel, CancellationToken ct)
    {
        var now = Environment.TickCount64;
        if (_routes.TryGetValue((organizationId, channel), out var cached) && now - cached.ReadAt < CacheDuration.TotalMilliseconds)
        {
            return cached.Route;
        }
        var generation = Interlocked.Read(ref _generation);
        var own = await db.ChannelRoutings.AsNoTracking()
            .Where(r => r.OrganizationId == organizationId && r.Channel == channel)
            .Select(r => r.Providers)
            .FirstOrDefaultAsync(ct);
        var route = own is { Length: > 0 } ? own : DefaultRoute(channel);
        if (Interlocked.Read(ref _generation) == generation)
        {
            _routes[(organizationId, channel)] = (route, now);
        }
        return route;
    }

    /// <summary>Drops what is known of the organization's routing for the channel: call after changing it.</summary>
    public void Forget(Guid organizationId, Channel channel)
    {
        Interlocked.Increment(ref _generation);
        _routes.TryRemove((organizationId, channel), out _);
    }
}
