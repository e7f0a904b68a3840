using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Emails;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using static MedicalHub.Identity.Api.Organizations.AdministrationResults;

namespace MedicalHub.Identity.Api.Organizations;

/// <summary>
/// Invitations by e-mail: an administrator invites an address with roles; the person follows the link
/// (<c>token=</c>) and accepts, which creates their account or adds the membership to the one they have.
/// </summary>
public static class InvitationsApi
{
    public static IEndpointRouteBuilder MapInvitationsApi(this IEndpointRouteBuilder app)
    {
        var invitations = app.MapGroup("/api/organizations/current/invitations").WithTags("Invitations")
            .RequireAuthorization().RequirePermission(PermissionNames.UsersManage);
        invitations.MapPost("/", InviteAsync).WithName("Invite")
            .WithSummary("Invite an e-mail address with roles; the e-mail's link carries token= and is valid 7 days");
        invitations.MapGet("/", ListAsync).WithName("ListInvitations").WithSummary("Invitations neither accepted nor revoked");
        invitations.MapDelete("/{id:guid}", RevokeAsync).WithName("RevokeInvitation").WithSummary("Revoke an invitation: its link stops working");
        invitations.MapPost("/{id:guid}/resend", ResendAsync).WithName("ResendInvitation")
            .WithSummary("Send the invitation again with a new link (the old one stops working), valid 7 more days");

        app.MapPost("/api/auth/invitations/accept", AcceptAsync).WithTags("Invitations").WithName("AcceptInvitation")
            .WithSummary("Accept an invitation: creates the account (new address) or adds the membership (existing account, proven by its password or access token)");
        return app;
    }

    public sealed record InvitationRequest([Required, EmailAddress, StringLength(254)] string Email, [Required, MinLength(1), MaxLength(20)] Guid[] RoleIds);

    /// <param name="PatientId">A patient invitation: the patient record the account will be linked to.</param>
    public sealed record InvitationView(Guid Id, string Email, Guid[] RoleIds, Guid InvitedByUserId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool Expired, Guid? PatientId);

    public sealed record AcceptRequest(
        [Required, StringLength(200)] string Token,
        [StringLength(128)] string? Password,
        [StringLength(100, MinimumLength = 1)] string? GivenName,
        [StringLength(100, MinimumLength = 1)] string? FamilyName);

    public sealed record AcceptResponse(Guid OrganizationId, Guid UserId, bool AccountCreated);

    private static async Task<Results<Created<InvitationView>, ValidationProblem, ProblemHttpResult>> InviteAsync(InvitationRequest request,
        ClaimsPrincipal principal, IdentityServiceDbContext db, IAuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var organizationId = principal.RequiredOrganizationId();
        var email = request.Email.Trim();
        if (!await db.AreStaffRolesOfAsync(organizationId, request.RoleIds, ct))
        {
            return Invalid("roleIds", "Every role must be a built-in staff role or one of this organization's (patients are invited with a patient invitation).");
        }
        var normalized = email.ToUpperInvariant();
        if (await db.Memberships.AnyAsync(m => m.OrganizationId == organizationId && m.IsActive
            && db.Users.Any(u => u.Id == m.UserId && u.NormalizedEmail == normalized), ct))
        {
            return Conflict("This address already belongs to a member of the organization.");
        }
        var now = time.GetUtcNow();
        if (await db.Invitations.AnyAsync(i => i.OrganizationId == organizationId && EF.Functions.ILike(i.Email, Exactly(email))
            && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct))
        {
            return Conflict("This address already has a pending invitation: send it again instead.");
        }

        var token = InvitationLinks.NewToken();
        var invitation = new Invitation
        {
            OrganizationId = organizationId,
            Email = email,
            RoleIds = [.. request.RoleIds.Distinct()],
            TokenHash = InvitationLinks.Hash(token),
            InvitedByUserId = principal.UserId(),
            CreatedAt = now,
            ExpiresAt = now + InvitationLinks.Lifetime,
        };
        db.Invitations.Add(invitation);
        await InvitationLinks.QueueEmailAsync(db, invitation, token, principal, ct);
        await db.SaveChangesAsync(ct); // the invitation and its e-mail together

        await audit.RecordAsync(new(AuditActions.InvitationSent, AuditOutcomes.Success, organizationId, principal.UserId(),
            Reason: $"invitation {invitation.Id}, roles {string.Join(",", invitation.RoleIds)}"), ct);
        return TypedResults.Created($"/api/organizations/current/invitations/{invitation.Id}", ToView(invitation, now));
    }

    private static async Task<Ok<InvitationView[]>> ListAsync(ClaimsPrincipal principal, IdentityServiceDbContext db, TimeProvider time, CancellationToken ct)
    {
        var organizationId = principal.RequiredOrganizationId();
        var open = await db.Invitations.AsNoTracking()
            .Where(i => i.OrganizationId == organizationId && i.AcceptedAt == null && i.RevokedAt == null)
            .OrderByDescending(i => i.CreatedAt).Take(500).ToListAsync(ct);
        var now = time.GetUtcNow();
        return TypedResults.Ok(open.Select(i => ToView(i, now)).ToArray());
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> RevokeAsync(Guid id, ClaimsPrincipal principal,
        IdentityServiceDbContext db, IAuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var organizationId = principal.RequiredOrganizationId();
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == id && i.OrganizationId == organizationId, ct);
        if (invitation is null)
        {
            return TypedResults.NotFound();
        }
        if (!invitation.IsOpen)
        {
            return Conflict("The invitation was already accepted or revoked.");
        }
        invitation.RevokedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new(AuditActions.InvitationRevoked, AuditOutcomes.Success, organizationId, principal.UserId(), Reason: $"invitation {id}"), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<InvitationView>, NotFound, ProblemHttpResult>> ResendAsync(Guid id, ClaimsPrincipal principal,
        IdentityServiceDbContext db, IAuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var organizationId = principal.RequiredOrganizationId();
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == id && i.OrganizationId == organizationId, ct);
        if (invitation is null)
        {
            return TypedResults.NotFound();
        }
        if (!invitation.IsOpen)
        {
            return Conflict("The invitation was already accepted or revoked.");
        }
        var token = InvitationLinks.NewToken();
        var now = time.GetUtcNow();
        invitation.TokenHash = InvitationLinks.Hash(token);
        invitation.ExpiresAt = now + InvitationLinks.Lifetime;
        await InvitationLinks.QueueEmailAsync(db, invitation, token, principal, ct);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new(AuditActions.InvitationSent, AuditOutcomes.Success, organizationId, principal.UserId(), Reason: $"invitation {id} sent again"), ct);
        return TypedResults.Ok(ToView(invitation, now));
    }

    private static async Task<Results<Ok<AcceptResponse>, ValidationProblem, ProblemHttpResult>> AcceptAsync(AcceptRequest request, ClaimsPrincipal principal,
        IdentityServiceDbContext db, UserManager<User> users, IAuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var tokenHash = InvitationLinks.Hash(request.Token.Trim());
        var invitation = await db.Invitations.AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == tokenHash, ct);
        if (invitation is null || !invitation.IsOpen || invitation.ExpiresAt <= now)
        {
            if (invitation is not null)
            {
                await audit.RecordAsync(new(AuditActions.InvitationAccepted, AuditOutcomes.Failure, invitation.OrganizationId,
                    Reason: $"invitation {invitation.Id} {(invitation.AcceptedAt is not null ? "already used" : invitation.RevokedAt is not null ? "revoked" : "expired")}"), ct);
            }
            return Invalid("token", "The invitation is invalid, has expired, was revoked or was already used.");
        }

        var existing = await users.FindByEmailAsync(invitation.Email);
        if (existing is not null)
        {
            var proof = await ProveAsync(existing, request.Password, principal, users, audit, invitation, ct);
            if (proof is not null)
            {
                return proof;
            }
            if (await db.Memberships.AnyAsync(m => m.OrganizationId == invitation.OrganizationId && m.UserId == existing.Id && m.IsActive, ct))
            {
                return Conflict("You are already a member of this organization.");
            }
        }
        else
        {
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(request.Password)) { errors["password"] = ["Choose a password for the new account."]; }
            if (string.IsNullOrWhiteSpace(request.GivenName)) { errors["givenName"] = ["Required for a new account."]; }
            if (string.IsNullOrWhiteSpace(request.FamilyName)) { errors["familyName"] = ["Required for a new account."]; }
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }
        }

        var strategy = db.Database.CreateExecutionStrategy();
        var outcome = await strategy.ExecuteAsync<(Results<Ok<AcceptResponse>, ValidationProblem, ProblemHttpResult> Result, Guid UserId)>(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // One-time: only the request that moves the row from open to accepted goes on.
            var claimed = await db.Invitations
                .Where(i => i.Id == invitation.Id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
                .ExecuteUpdateAsync(i => i.SetProperty(x => x.AcceptedAt, now), ct);
            if (claimed != 1)
            {
                return (Invalid("token", "The invitation is invalid, has expired, was revoked or was already used."), Guid.Empty);
            }

            var user = existing is null ? null : await users.FindByIdAsync(existing.Id.ToString());
            var created = user is null;
            if (user is null)
            {
                user = new User
                {
                    UserName = invitation.Email,
                    Email = invitation.Email,
                    EmailConfirmed = true, // the link reached the mailbox
                    GivenName = request.GivenName!.Trim(),
                    FamilyName = request.FamilyName!.Trim(),
                };
                var result = await users.CreateAsync(user, request.Password!);
                if (!result.Succeeded)
                {
                    await transaction.RollbackAsync(ct);
                    return (TypedResults.ValidationProblem(result.Errors
                        .GroupBy(e => e.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "email")
                        .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray())), Guid.Empty);
                }
                await PasswordHistoryValidator.RememberAsync(db, user, ct);
            }
            else if (!user.EmailConfirmed)
            {
                user.EmailConfirmed = true;
                await users.UpdateAsync(user);
            }

            if (invitation.PatientId is { } patientId && await db.Memberships.AnyAsync(m => m.OrganizationId == invitation.OrganizationId
                && m.PatientId == patientId && m.IsActive && m.UserId != user.Id, ct))
            {
                await transaction.RollbackAsync(ct);
                return (Conflict("This patient record already has a portal account."), Guid.Empty);
            }
            var membership = await db.Memberships.SingleOrDefaultAsync(m => m.OrganizationId == invitation.OrganizationId && m.UserId == user.Id, ct);
            if (membership is null)
            {
                db.Memberships.Add(new Membership { OrganizationId = invitation.OrganizationId, UserId = user.Id, RoleIds = invitation.RoleIds, PatientId = invitation.PatientId });
            }
            else
            {
                membership.IsActive = true; // a former member invited back, as what this invitation says (staff or patient)
                membership.RoleIds = invitation.RoleIds;
                membership.PatientId = invitation.PatientId;
            }
            await db.Invitations.Where(i => i.Id == invitation.Id).ExecuteUpdateAsync(i => i.SetProperty(x => x.AcceptedByUserId, user.Id), ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (TypedResults.Ok(new AcceptResponse(invitation.OrganizationId, user.Id, created)), user.Id);
        });

        if (outcome.Result.Result is Ok<AcceptResponse> accepted)
        {
            if (accepted.Value!.AccountCreated)
            {
                await audit.RecordAsync(new(AuditActions.Registered, AuditOutcomes.Success, invitation.OrganizationId, outcome.UserId, Reason: "by invitation"), ct);
            }
            await audit.RecordAsync(new(AuditActions.InvitationAccepted, AuditOutcomes.Success, invitation.OrganizationId, outcome.UserId,
                Reason: $"invitation {invitation.Id}, roles {string.Join(",", invitation.RoleIds)}{(invitation.PatientId is { } patient ? $", patient {patient}" : "")}"), ct);
        }
        return outcome.Result;
    }

    /// <summary>
    /// An existing account joins only when the caller shows it is that account's owner: its access token, or
    /// its password (wrong passwords count towards the lockout, as at login). Null when proven.
    /// </summary>
    private static async Task<ValidationProblem?> ProveAsync(User user, string? password, ClaimsPrincipal principal, UserManager<User> users,
        IAuditTrail audit, Invitation invitation, CancellationToken ct)
    {
        if (principal.Identity?.IsAuthenticated == true && principal.FindFirstValue(OpenIddict.Abstractions.OpenIddictConstants.Claims.Subject) == user.Id.ToString())
        {
            return null;
        }
        if (string.IsNullOrEmpty(password))
        {
            return Invalid("password", "This address already has an account: send its password (or call with its access token) to accept.");
        }
        if (await users.IsLockedOutAsync(user) || !await users.CheckPasswordAsync(user, password))
        {
            if (!await users.IsLockedOutAsync(user))
            {
                await users.AccessFailedAsync(user);
            }
            await audit.RecordAsync(new(AuditActions.InvitationAccepted, AuditOutcomes.Failure, invitation.OrganizationId, SubjectUserId: user.Id,
                Reason: $"invitation {invitation.Id}: wrong password or locked out"), ct);
            return Invalid("password", "The password is incorrect.");
        }
        await users.ResetAccessFailedCountAsync(user);
        return null;
    }

    internal static InvitationView ToView(Invitation i, DateTimeOffset now) =>
        new(i.Id, i.Email, [.. i.RoleIds], i.InvitedByUserId, i.CreatedAt, i.ExpiresAt, i.ExpiresAt <= now, i.PatientId);
}
