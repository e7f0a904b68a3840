using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using MedicalHub.Data.Outbox;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Emails;
using MedicalHub.Identity.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Identity.Api.Organizations;

/// <summary>
/// What every invitation (a member's or a patient's) is sent with: a random token for the link, of which only the hash is
/// stored, its lifetime, and the <c>email.invitation</c> e-mail queued in the outbox with it.
/// </summary>
public static class InvitationLinks
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Queues the invitation e-mail (sent through Communication by the outbox relay) in the caller's unit of work.</summary>
    public static async Task QueueEmailAsync(IdentityServiceDbContext db, Invitation invitation, string token, ClaimsPrincipal inviter, CancellationToken ct)
    {
        var organizationName = await db.Organizations.Where(o => o.Id == invitation.OrganizationId).Select(o => o.Name).SingleAsync(ct);
        var inviterId = inviter.UserId();
        var from = await db.Users.Where(u => u.Id == inviterId).Select(u => new { u.GivenName, u.FamilyName, u.Locale }).SingleAsync(ct);
        db.AddOutboxMessage(AccountEmails.Invitation, new InvitationEmail(invitation.Id, invitation.Email, organizationName,
            $"{from.GivenName} {from.FamilyName}", from.Locale, token, invitation.ExpiresAt, invitation.OrganizationId));
    }
}
