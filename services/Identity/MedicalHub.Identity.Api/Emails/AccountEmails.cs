namespace MedicalHub.Identity.Api.Emails;

/// <summary>
/// The account e-mails Identity queues in its outbox (each type is also the Communication template's name), sent by
/// <see cref="AccountEmailHandler"/>; the sender builds each link from the payload's <c>token</c>.
/// </summary>
public static class AccountEmails
{
    /// <summary>The link that verifies the address of a new account (<see cref="AccountEmail"/>).</summary>
    public const string Verification = "email.verify-address";

    /// <summary>The link that sets a forgotten password (<see cref="AccountEmail"/>).</summary>
    public const string PasswordReset = "email.reset-password";

    /// <summary>The link that accepts an invitation into an organization (<see cref="InvitationEmail"/>).</summary>
    public const string Invitation = "email.invitation";

    public static readonly string[] Types = [Verification, PasswordReset, Invitation];
}

/// <summary>A verification or password-reset e-mail to an account.</summary>
/// <param name="OrganizationId">The account's home organization, which Communication sends the e-mail for.</param>
public sealed record AccountEmail(Guid UserId, string Email, string GivenName, string Locale, string Token, Guid? OrganizationId);

/// <summary>An invitation e-mail, the shape of the other account e-mails.</summary>
public sealed record InvitationEmail(Guid InvitationId, string Email, string OrganizationName, string InviterName, string Locale, string Token,
    DateTimeOffset ExpiresAt, Guid OrganizationId);
