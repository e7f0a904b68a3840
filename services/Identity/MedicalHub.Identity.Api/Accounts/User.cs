using Microsoft.AspNetCore.Identity;

namespace MedicalHub.Identity.Api.Accounts;

/// <summary>A person who signs in: a practice's staff member. Belongs to organizations through <see cref="Membership"/>.</summary>
public sealed class User : IdentityUser<Guid>
{
    public User() => Id = Guid.CreateVersion7();

    public required string GivenName { get; set; }

    public required string FamilyName { get; set; }

    /// <summary>Dr., Prof., ... as the person writes it.</summary>
    public string? Title { get; set; }

    /// <summary>BCP 47 language tag for e-mails and the UI.</summary>
    public string Locale { get; set; } = "en";

    /// <summary>IANA time zone, for quiet hours and dates in e-mails.</summary>
    public string TimeZone { get; set; } = "UTC";

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Display preferences as JSON (see <c>AccountApi.Preferences</c>); null until first saved.</summary>
    public string? Preferences { get; set; }
}
