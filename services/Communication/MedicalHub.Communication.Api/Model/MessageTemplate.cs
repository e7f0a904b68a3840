using MedicalHub.Data.Tenancy;

namespace MedicalHub.Communication.Api.Model;

/// <summary>An organization's own version of a template (Liquid), for one locale; it replaces the system default of the same key.</summary>
public sealed class MessageTemplate : IOrganizationOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid OrganizationId { get; init; }

    /// <summary>e.g. <c>email.verify-address</c>.</summary>
    public required string Key { get; init; }

    /// <summary>A BCP 47 tag (<c>fr</c>, <c>fr-BE</c>), or empty for the variant used when no locale matches.</summary>
    public required string Locale { get; init; }

    public string? Subject { get; set; }

    public required string TextBody { get; set; }

    public string? HtmlBody { get; set; }

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
