using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using MedicalHub.Data.Outbox;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Emails;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Identity.Api.Sessions;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Accounts;

/// <summary>Changing a password (signed in), and resetting a forgotten one through an e-mailed link.</summary>
public static class PasswordApi
{
    public static IEndpointRouteBuilder MapPasswordApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/account/password", ChangeAsync).RequireAuthorization().WithTags("Account security")
            .WithName("ChangePassword").WithSummary("Change the password; every other session of the user ends");

        var auth = app.MapGroup("/api/auth").WithTags("Sign-up");
        auth.MapPost("/forgot-password", ForgotAsync).WithName("ForgotPassword")
            .WithSummary("Send a reset link to the address if it belongs to a verified account; the answer is the same either way");
        auth.MapPost("/reset-password", ResetAsync).WithName("ResetPassword")
            .WithSummary("Set a new password with the token from the reset e-mail; every session of the user ends");
        return app;
    }

    public sealed record ChangeRequest([Required, StringLength(128)] string CurrentPassword, [Required, StringLength(128, MinimumLength = AccountRules.MinimumPasswordLength)] string NewPassword);

    public sealed record ForgotRequest([Required, EmailAddress, StringLength(254)] string Email);

    public sealed record ResetRequest([Required] Guid UserId, [Required, StringLength(2000)] string Token, [Required, StringLength(128, MinimumLength = AccountRules.MinimumPasswordLength)] string NewPassword);

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> ChangeAsync(ChangeRequest request, ClaimsPrincipal principal,
        UserManager<User> users, IdentityServiceDbContext db, UserSessions sessions, IAuditTrail audit, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(principal.FindFirstValue(Claims.Subject) ?? "");
        if (user is null)
        {
            return TypedResults.NotFound();
        }
        var changed = await users.ChangePasswordAsync(user, request.CurrentPassword, request.NewPassword);
        if (!changed.Succeeded)
        {
            return TypedResults.ValidationProblem(PasswordErrors(changed));
        }

        await PasswordHistoryValidator.RememberAsync(db, user, ct);
        var ended = await sessions.RevokeAllAsync(user.Id, principal.FindFirstValue(ClaimNames.Session), ct);
        await audit.RecordAsync(new(AuditActions.PasswordChanged, AuditOutcomes.Success, principal.OrganizationId(), user.Id, Reason: $"{ended} other session(s) ended"), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Accepted> ForgotAsync(ForgotRequest request, UserManager<User> users, IdentityServiceDbContext db,
        IMembershipDirectory memberships, IAuditTrail audit, CancellationToken ct)
    {
        var user = await users.FindByEmailAsync(request.Email.Trim());
        if (user is { EmailConfirmed: true })
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var home = await memberships.HomeOrganizationAsync(user.Id, ct);
            db.AddOutboxMessage(AccountEmails.PasswordReset, new AccountEmail(user.Id, user.Email!, user.GivenName, user.Locale, token, home));
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(new(AuditActions.PasswordResetRequested, AuditOutcomes.Success, home, SubjectUserId: user.Id), ct);
        }
        // The same answer whether or not the address is known: no account enumeration.
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Results<NoContent, ValidationProblem>> ResetAsync(ResetRequest request, UserManager<User> users, IdentityServiceDbContext db,
        UserSessions sessions, IMembershipDirectory memberships, IAuditTrail audit, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(request.UserId.ToString());
        if (user is null)
        {
            return InvalidToken();
        }
        var reset = await users.ResetPasswordAsync(user, request.Token, request.NewPassword);
        var home = await memberships.HomeOrganizationAsync(user.Id, ct);
        if (!reset.Succeeded)
        {
            await audit.RecordAsync(new(AuditActions.PasswordReset, AuditOutcomes.Failure, home, SubjectUserId: user.Id, Reason: string.Join(", ", reset.Errors.Select(e => e.Code))), ct);
            return reset.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken)) ? InvalidToken() : TypedResults.ValidationProblem(PasswordErrors(reset));
        }

        await PasswordHistoryValidator.RememberAsync(db, user, ct);
        await users.ResetAccessFailedCountAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        var ended = await sessions.RevokeAllAsync(user.Id, keep: null, ct);
        await audit.RecordAsync(new(AuditActions.PasswordReset, AuditOutcomes.Success, home, SubjectUserId: user.Id, Reason: $"{ended} session(s) ended"), ct);
        return TypedResults.NoContent();
    }

    private static ValidationProblem InvalidToken() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["token"] = ["The reset link is invalid or has expired."] });

    private static Dictionary<string, string[]> PasswordErrors(IdentityResult result) =>
        result.Errors.GroupBy(e => e.Code == "PasswordMismatch" ? "currentPassword" : "newPassword")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());

}
