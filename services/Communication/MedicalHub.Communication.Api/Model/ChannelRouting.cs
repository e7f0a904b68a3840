using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Data.Tenancy;

namespace MedicalHub.Communication.Api.Model;

/// <summary>An organization's own provider order for a channel, replacing the configured default.</summary>
public sealed class ChannelRouting : IOrganizationOwned
{
    public required Guid OrganizationId { get; init; }

    public required Channel Channel { get; init; }

    public required string[] Providers { get; set; }

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
