using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static MedicalHub.Identity.Api.Organizations.AdministrationResults;

namespace MedicalHub.Identity.Api.PatientPortal;

/// <summary>
/// Patient portal accounts: a practice user holding <see cref="PermissionNames.PatientsInvite"/> invites a patient's e-mail
/// address, linked to the patient's record in Content (checked there first). The person accepts with the invitations'
/// one link (<c>POST /api/auth/invitations/accept</c>), which creates the account (the link proves the mailbox) or adds
/// the practice to the account they have; the membership holds the <c>Patient</c> role only and names the record, which
/// every token for that practice carries as <c>patient_id</c>.
/// </summary>
public static class PatientInvitationsApi
{
    public static IEndpointRouteBuilder MapPatientInvitationsApi(this IEndpointRouteBuilder app)
    {
        var portal = app.MapGroup("/api/organizations/current").WithTags("Patient portal")
            .RequireAuthorization().RequirePermission(PermissionNames.PatientsInvite);
        portal.MapPost("/patient-invitations", InviteAsync).WithName("InvitePatient")
            .WithSummary("Invite a patient to a portal account linked to their record; the e-mail's link carries token= and is valid 7 days")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        portal.MapGet("/patient-accounts", ListAccountsAsync).WithName("ListPatientAccounts")
            .WithSummary("The organization's patient portal accounts with the record each is linked to");
        return app;
    }

    public sealed record PatientInvitationRequest([Required, EmailAddress, StringLength(254)] string Email, [Required] Guid? PatientId);

    public sealed record PatientAccountView(Guid UserId, string Email, string GivenName, string FamilyName, Guid PatientId, bool Active, bool MfaEnabled);

    private static async Task<Results<Created<InvitationsApi.InvitationView>, ValidationProblem, ProblemHttpResult>> InviteAsync(
        PatientInvitationRequest request, ClaimsPrincipal principal, IdentityServiceDbContext db, PatientRecords records, IAuditTrail audit,
        TimeProvider time, HttpResponse response, CancellationToken ct)
    {
        if (request.PatientId is not { } patientId || patientId == Guid.Empty)
        {
            return Invalid("patientId", "The patient's record (a Content patient id).");
        }
        var organizationId = principal.RequiredOrganizationId();
        var email = request.Email.Trim();
        var normalized = email.ToUpperInvariant();
        if (await db.Memberships.AnyAsync(m => m.OrganizationId == organizationId && m.IsActive
            && db.Users.Any(u => u.Id == m.UserId && u.NormalizedEmail == normalized), ct))
        {
            return Conflict("This address already belongs to a member or a patient of the organization.");
        }
        if (await db.Memberships.AnyAsync(m => m.OrganizationId == organizationId && m.IsActive && m.PatientId == patientId, ct))
        {
            return Conflict("This patient record already has a portal account.");
        }
        var now = time.GetUtcNow();
        if (await db.Invitations.AnyAsync(i => i.OrganizationId == organizationId && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now
            && (i.PatientId == patientId || EF.Functions.ILike(i.Email, Exactly(email))), ct))
        {
            return Conflict("This patient record or address already has a pending invitation: send it again instead.");
        }
        switch (await records.CheckAsync(organizationId, patientId, ct))
        {
            case PatientRecords.Answer.NotFound:
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Unknown patient.",
                    detail: "No patient record of this organization has this id.");
            case PatientRecords.Answer.Unavailable:
                response.Headers.RetryAfter = "5";
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The patient record cannot be checked now.",
                    detail: "Content could not be asked about the patient. Nothing was sent; try again shortly.");
        }

        var token = InvitationLinks.NewToken();
        var invitation = new Invitation
        {
            OrganizationId = organizationId,
            Email = email,
            RoleIds = [OrganizationRole.BuiltIn.Patient.Id],
            PatientId = patientId,
            TokenHash = InvitationLinks.Hash(token),
            InvitedByUserId = principal.UserId(),
            CreatedAt = now,
            ExpiresAt = now + InvitationLinks.Lifetime,
        };
        db.Invitations.Add(invitation);
        await InvitationLinks.QueueEmailAsync(db, invitation, token, principal, ct);
        await db.SaveChangesAsync(ct); // the invitation and its e-mail together

        await audit.RecordAsync(new(AuditActions.InvitationSent, AuditOutcomes.Success, organizationId, principal.UserId(),
            Reason: $"invitation {invitation.Id}, patient {patientId}"), ct);
        return TypedResults.Created($"/api/organizations/current/invitations/{invitation.Id}", InvitationsApi.ToView(invitation, now));
    }

    private static async Task<Ok<PatientAccountView[]>> ListAccountsAsync(ClaimsPrincipal principal, IdentityServiceDbContext db, CancellationToken ct)
    {
        var organizationId = principal.RequiredOrganizationId();
        var rows = await db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId && m.PatientId != null)
            .Join(db.Users.AsNoTracking(), m => m.UserId, u => u.Id, (m, u) => new { m, u })
            .OrderBy(x => x.u.FamilyName).ThenBy(x => x.u.GivenName).Take(500)
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(x => new PatientAccountView(x.u.Id, x.u.Email!, x.u.GivenName, x.u.FamilyName, x.m.PatientId!.Value,
            x.m.IsActive, x.u.TwoFactorEnabled)).ToArray());
    }
}
