using MedicalHub.Identity.Api.Clients;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Identity.Api.Organizations;

/// <summary>
/// How to reach a member of an organization, for a service that notifies people by user id (Communication). Only for
/// service clients holding <see cref="PermissionNames.UsersReadContact"/> (no role can grant it); a user who is not an
/// active member of the organization named in the path is not found, so a caller acting for one organization cannot
/// reach another's people.
/// </summary>
public static class MemberContactApi
{
    public static IEndpointRouteBuilder MapMemberContactApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/internal/organizations/{organizationId:guid}/members/{userId:guid}/contact", GetAsync)
            .WithName("GetMemberContact").WithTags("Internal")
            .WithSummary("A member's e-mail (when verified), phone, locale and time zone (service clients only)")
            .RequireAuthorization(policy => policy.RequireAuthenticatedUser()
                .RequireClaim(ClaimNames.ClientKind, ClientKinds.Service)
                .RequireClaim(ClaimNames.Permission, PermissionNames.UsersReadContact));
        return app;
    }

    /// <param name="PatientId">For a patient portal account, the patient's record in this organization; null for staff.</param>
    public sealed record MemberContact(Guid UserId, string? Email, string? Phone, string Locale, string TimeZone, string GivenName, string FamilyName, Guid? PatientId);

    private static async Task<Results<Ok<MemberContact>, NotFound>> GetAsync(Guid organizationId, Guid userId, IdentityServiceDbContext db, CancellationToken ct)
    {
        var contact = await db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId && m.UserId == userId && m.IsActive)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new MemberContact(u.Id, u.EmailConfirmed ? u.Email : null, u.PhoneNumber, u.Locale, u.TimeZone, u.GivenName, u.FamilyName, m.PatientId))
            .SingleOrDefaultAsync(ct);
        return contact is null ? TypedResults.NotFound() : TypedResults.Ok(contact);
    }
}
