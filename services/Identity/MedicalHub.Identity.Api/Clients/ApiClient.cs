using MedicalHub.Identity.Api.Organizations;
namespace MedicalHub.Identity.Api.Clients;

/// <summary>
/// An integrator's confidential client, owned by one organization: it gets client-credentials tokens for that
/// organization with the permissions chosen here. The token server's application (client id and the hash
/// of its secret) is OpenIddict's; this row says whose it is and what it may do.
/// </summary>
public sealed class ApiClient
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid OrganizationId { get; init; }

    /// <summary>The OAuth <c>client_id</c> (prefixed, so it never collides with a first-party or service client).</summary>
    public required string ClientId { get; init; }

    public required string Name { get; set; }

    public required string[] Permissions { get; set; }

    public required Guid CreatedByUserId { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? SecretRotatedAt { get; set; }
}
