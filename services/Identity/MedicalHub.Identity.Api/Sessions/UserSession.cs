namespace MedicalHub.Identity.Api.Sessions;

/// <summary>A login of a user on one device: what the session list shows and what can be revoked.</summary>
public sealed class UserSession
{
    /// <summary>The <c>sid</c> claim of every token of the session.</summary>
    public Guid Id { get; init; }

    public required Guid UserId { get; init; }

    public required Guid OrganizationId { get; set; }

    /// <summary>The token server's authorization that the session's tokens belong to.</summary>
    public required string AuthorizationId { get; init; }

    public string? ClientId { get; init; }

    public string? Device { get; init; }

    public string? IpAddress { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public DateTimeOffset LastSeenAt { get; set; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? RevokedAt { get; set; }
}
