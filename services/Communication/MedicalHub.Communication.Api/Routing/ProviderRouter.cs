using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Communication.Api.Routing;

/// <summary>Which providers carry a channel for an organization, in the order they are tried.</summary>
public sealed class ProviderRouter(IEnumerable<IDeliveryProvider> providers, IOptions<CommunicationSettings> settings)
{
    private readonly Dictionary<string, IDeliveryProvider> _providers = providers.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    // The engine needs an organization's routing for every delivery.
    private readonly ShortLivedCache<(Guid Organization, Channel Channel), string[]> _routes = new();

    public IDeliveryProvider? Find(string name) => _providers.GetValueOrDefault(name);

    /// <summary>The names of the providers registered for <paramref name="channel"/>.</summary>
    public IEnumerable<string> ProvidersOf(Channel channel) => _providers.Values.Where(p => p.Channel == channel).Select(p => p.Name).Order(StringComparer.Ordinal);

    /// <summary>The configured route; the in-app channel has one built in (<see cref="Inbox.InAppProvider"/>) unless configured otherwise.</summary>
    public string[] DefaultRoute(Channel channel) =>
        settings.Value.Routing.GetValueOrDefault(channel) ?? (channel == Channel.InApp ? [Inbox.InAppProvider.ProviderName] : []);

    /// <summary>The organization's own order when it set one, else the configured default.</summary>
    public Task<string[]> RouteAsync(CommunicationDbContext db, Guid organizationId, Channel channel, CancellationToken ct) =>
        _routes.GetAsync((organizationId, channel), async () =>
        {
            var own = await db.ChannelRoutings.AsNoTracking()
                .Where(r => r.OrganizationId == organizationId && r.Channel == channel)
                .Select(r => r.Providers)
                .FirstOrDefaultAsync(ct);
            return own is { Length: > 0 } ? own : DefaultRoute(channel);
        });

    /// <summary>Drops what is known of the organization's routing for the channel: call after changing it.</summary>
    public void Forget(Guid organizationId, Channel channel) => _routes.Forget((organizationId, channel));
}
