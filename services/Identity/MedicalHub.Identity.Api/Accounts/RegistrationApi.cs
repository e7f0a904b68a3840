using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using MedicalHub.Data.Outbox;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Emails;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Identity.Api.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Identity.Api.Accounts;

/// <summary>Sign-up: a practice registers itself and its first administrator, who must verify the e-mail address before logging in.</summary>
public static partial class RegistrationApi
{
    public static IEndpointRouteBuilder MapRegistrationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/auth").WithTags("Sign-up");

        api.MapPost("/register", RegisterAsync)
            .WithName("Register")
            .WithSummary("Create an organization and its first administrator")
            .WithDescription("Sends a verification e-mail whose link carries `token=`; login is refused until the address is verified.");

        api.MapPost("/verify-email", VerifyEmailAsync)
            .WithName("VerifyEmail")
            .WithSummary("Verify an e-mail address with the token from the verification e-mail");

        api.MapPost("/verify-email/resend", ResendVerificationAsync)
            .WithName("ResendVerificationEmail")
            .WithSummary("Send the verification e-mail again to an account not verified yet; the answer is the same either way");

        return app;
    }

    public sealed record RegisterRequest(
        [Required, StringLength(200, MinimumLength = 2)] string OrganizationName,
        [Required, EmailAddress, StringLength(254)] string Email,
        [Required, StringLength(128, MinimumLength = AccountRules.MinimumPasswordLength)] string Password,
        [Required, StringLength(100, MinimumLength = 1)] string GivenName,
        [Required, StringLength(100, MinimumLength = 1)] string FamilyName);

    public sealed record RegisterResponse(Guid OrganizationId, Guid UserId);

    public sealed record VerifyEmailRequest([Required] Guid UserId, [Required, StringLength(2000)] string Token);

    public sealed record ResendVerificationRequest([Required, EmailAddress, StringLength(254)] string Email);

    private static async Task<Results<Created<RegisterResponse>, ValidationProblem>> RegisterAsync(
        RegisterRequest request, UserManager<User> users, IdentityServiceDbContext db, IAuditTrail audit, CancellationToken ct)
    {
        var email = request.Email.Trim();
        var user = new User
        {
            UserName = email,
            Email = email,
            GivenName = request.GivenName.Trim(),
            FamilyName = request.FamilyName.Trim(),
        };
        var organization = new Organization { Name = request.OrganizationName.Trim(), Slug = await UniqueSlugAsync(db, request.OrganizationName, ct) };

        // One transaction: the organization, the administrator, the membership and the e-mail to send.
        var strategy = db.Database.CreateExecutionStrategy();
        var result = await strategy.ExecuteAsync<Results<Created<RegisterResponse>, ValidationProblem>>(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.Organizations.Add(organization);
            await db.SaveChangesAsync(ct);

            var created = await users.CreateAsync(user, request.Password);
            if (!created.Succeeded)
            {
                await transaction.RollbackAsync(ct);
                return TypedResults.ValidationProblem(ToErrors(created));
            }

            await PasswordHistoryValidator.RememberAsync(db, user, ct);
            db.Memberships.Add(new Membership { OrganizationId = organization.Id, UserId = user.Id, RoleIds = [OrganizationRole.BuiltIn.OrgAdmin.Id] });
            var token = await users.GenerateEmailConfirmationTokenAsync(user);
            db.AddOutboxMessage(AccountEmails.Verification, new AccountEmail(user.Id, email, user.GivenName, user.Locale, token, organization.Id));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);

            return TypedResults.Created("/api/account/profile", new RegisterResponse(organization.Id, user.Id));
        });

        if (result.Result is Created<RegisterResponse>)
        {
            await audit.RecordAsync(new(AuditActions.Registered, AuditOutcomes.Success, organization.Id, user.Id), ct);
        }
        return result;
    }

    private static async Task<Results<NoContent, ValidationProblem>> VerifyEmailAsync(VerifyEmailRequest request, UserManager<User> users,
        IMembershipDirectory memberships, IAuditTrail audit, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(request.UserId.ToString());
        var result = user is null ? IdentityResult.Failed(new IdentityErrorDescriber().InvalidToken()) : await users.ConfirmEmailAsync(user, request.Token);
        if (user is not null)
        {
            var home = await memberships.HomeOrganizationAsync(user.Id, ct);
            await audit.RecordAsync(new(AuditActions.EmailVerified, result.Succeeded ? AuditOutcomes.Success : AuditOutcomes.Failure, home, user.Id,
                Reason: result.Succeeded ? null : "invalid or expired token"), ct);
        }
        return result.Succeeded
            ? TypedResults.NoContent()
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["token"] = ["The verification link is invalid or has expired."] });
    }

    /// <summary>
    /// A new link for an unverified account (earlier links keep working until their expiry). 202 whether or not the
    /// address has an account, or is already verified, so the answer does not reveal which addresses are registered.
    /// </summary>
    private static async Task<Accepted> ResendVerificationAsync(ResendVerificationRequest request, UserManager<User> users,
        IdentityServiceDbContext db, IMembershipDirectory memberships, IAuditTrail audit, CancellationToken ct)
    {
        var user = await users.FindByEmailAsync(request.Email.Trim());
        if (user is { EmailConfirmed: false, Email: not null })
        {
            var home = await memberships.HomeOrganizationAsync(user.Id, ct);
            var token = await users.GenerateEmailConfirmationTokenAsync(user);
            db.AddOutboxMessage(AccountEmails.Verification, new AccountEmail(user.Id, user.Email, user.GivenName, user.Locale, token, home));
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(new(AuditActions.VerificationEmailResent, AuditOutcomes.Success, home, user.Id), ct);
        }
        return TypedResults.Accepted((string?)null);
    }

    private static Dictionary<string, string[]> ToErrors(IdentityResult result) =>
        result.Errors
            .GroupBy(e => e.Code switch
            {
                var c when c.StartsWith("Password", StringComparison.Ordinal) => "password",
                var c when c.Contains("Email", StringComparison.Ordinal) || c.Contains("UserName", StringComparison.Ordinal) => "email",
                _ => "request",
            })
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());

    private static async Task<string> UniqueSlugAsync(IdentityServiceDbContext db, string name, CancellationToken ct)
    {
        var slug = NotSlug().Replace(name.Trim().ToLowerInvariant(), "-").Trim('-');
        slug = slug.Length == 0 ? "practice" : slug[..Math.Min(slug.Length, 80)];
        return await db.Organizations.AnyAsync(o => o.Slug == slug, ct) ? $"{slug}-{Guid.NewGuid().ToString("N")[..8]}" : slug;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlug();
}
