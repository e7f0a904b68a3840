using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MedicalHub.Communication.Api.Routing;

/// <summary>Which providers carry a channel for an organization, in the order they are tried.</summary>
public sealed class ProviderRouter(IEnumerable<IDeliveryProvider> providers, IOptions<CommunicationSettings> settings)
{
    private readonly Dictionary<string, IDeliveryProvider> _providers = providers.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    public IDeliveryProvider? Find(string name) => _providers.GetValueOrDefault(name);

    /// <summary>The names of the providers registered for <paramref name="channel"/>.</summary>
    public IEnumerable<string> ProvidersOf(Channel channel) => _providers.Values.Where(p => p.Channel == channel).Select(p => p.Name).Order(StringComparer.Ordinal);

    public string[] DefaultRoute(Channel channel) => settings.Value.Routing.GetValueOrDefault(channel) ?? [];

    /// <summary>The organization's own order when it set one, else the configured default.</summary>
    public async Task<string[]> RouteAsync(CommunicationDbContext db, Guid organizationId, Channel channel, CancellationToken ct)
    {
        var own = await db.ChannelRoutings.AsNoTracking()
            .Where(r => r.OrganizationId == organizationId && r.Channel == channel)
            .Select(r => r.Providers)
            .FirstOrDefaultAsync(ct);
        return own is { Length: > 0 } ? own : DefaultRoute(channel);
    }
}
