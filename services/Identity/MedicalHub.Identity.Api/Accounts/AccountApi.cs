using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Accounts;

/// <summary>The signed-in user's own account, and the token check other parties can ask for.</summary>
public static class AccountApi
{
    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/api/account").WithTags("Account").RequireAuthorization();

        account.MapGet("/profile", GetProfileAsync)
            .WithName("GetProfile")
            .WithSummary("The signed-in user's profile");

        account.MapPatch("/profile", UpdateProfileAsync)
            .WithName("UpdateProfile")
            .WithSummary("Change names, title, phone, locale or time zone (only the fields sent)");

        account.MapGet("/organizations", GetOrganizationsAsync)
            .WithName("GetMyOrganizations")
            .WithSummary("The organizations the user belongs to, with the roles held in each (choose one with organization_id at the token endpoint)");

        account.MapGet("/preferences", GetPreferencesAsync)
            .WithName("GetPreferences")
            .WithSummary("Display preferences: theme, date and time formats, first day of the week");

        account.MapPut("/preferences", SetPreferencesAsync)
            .WithName("SetPreferences")
            .WithSummary("Replace the display preferences");

        app.MapPost("/auth/validate", Validate)
            .RequireAuthorization()
            .WithTags("Account")
            .WithName("ValidateToken")
            .WithSummary("Who a bearer token speaks for: user, organization, roles and permissions; 401 when it is not valid");

        return app;
    }

    public sealed record Profile(Guid Id, string Email, bool EmailVerified, string GivenName, string FamilyName, string? Title, string? Phone, string Locale, string TimeZone);

    public sealed record ProfileChange(
        [StringLength(100, MinimumLength = 1)] string? GivenName,
        [StringLength(100, MinimumLength = 1)] string? FamilyName,
        [StringLength(50)] string? Title,
        [Phone, StringLength(32)] string? Phone,
        [StringLength(35, MinimumLength = 2)] string? Locale,
        [StringLength(64)] string? TimeZone);

    public sealed record Preferences(string Theme = "system", string DateFormat = "yyyy-MM-dd", string TimeFormat = "24h", string WeekStartsOn = "monday")
    {
        public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
        {
            [nameof(Theme)] = ["system", "light", "dark"],
            [nameof(DateFormat)] = ["yyyy-MM-dd", "dd/MM/yyyy", "MM/dd/yyyy", "dd.MM.yyyy"],
            [nameof(TimeFormat)] = ["24h", "12h"],
            [nameof(WeekStartsOn)] = ["monday", "sunday", "saturday"],
        };

        public Dictionary<string, string[]> Errors()
        {
            var values = new Dictionary<string, string?> { [nameof(Theme)] = Theme, [nameof(DateFormat)] = DateFormat, [nameof(TimeFormat)] = TimeFormat, [nameof(WeekStartsOn)] = WeekStartsOn };
            return values.Where(v => v.Value is null || !Allowed[v.Key].Contains(v.Value))
                .ToDictionary(v => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(v.Key), v => new[] { $"One of: {string.Join(", ", Allowed[v.Key])}." });
        }
    }

    public sealed record MyOrganization(Guid Id, string Name, string Slug, string[] Roles, bool Current);

    public sealed record TokenInfo(Guid UserId, Guid OrganizationId, string SessionId, string[] Roles, string[] Permissions);

    private static async Task<Results<Ok<Profile>, NotFound>> GetProfileAsync(ClaimsPrincipal principal, UserManager<User> users)
    {
        var user = await users.FindByIdAsync(principal.FindFirstValue(Claims.Subject) ?? "");
        return user is null ? TypedResults.NotFound() : TypedResults.Ok(ToProfile(user));
    }

    private static async Task<Results<Ok<Profile>, NotFound, ValidationProblem>> UpdateProfileAsync(ProfileChange change, ClaimsPrincipal principal,
        UserManager<User> users, IAuditTrail audit)
    {
        var user = await users.FindByIdAsync(principal.FindFirstValue(Claims.Subject) ?? "");
        if (user is null)
        {
            return TypedResults.NotFound();
        }
        if (change.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(change.TimeZone, out _))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [nameof(ProfileChange.TimeZone)] = ["Not a known IANA time zone."] });
        }

        user.GivenName = change.GivenName?.Trim() ?? user.GivenName;
        user.FamilyName = change.FamilyName?.Trim() ?? user.FamilyName;
        user.Title = change.Title?.Trim() ?? user.Title;
        user.PhoneNumber = change.Phone?.Trim() ?? user.PhoneNumber;
        user.Locale = change.Locale?.Trim() ?? user.Locale;
        user.TimeZone = change.TimeZone ?? user.TimeZone;
        await users.UpdateAsync(user);
        await audit.RecordAsync(new(AuditActions.ProfileChanged, AuditOutcomes.Success,
            principal.OrganizationId(), user.Id));
        return TypedResults.Ok(ToProfile(user));
    }

    private static async Task<Results<Ok<Preferences>, NotFound>> GetPreferencesAsync(ClaimsPrincipal principal, UserManager<User> users)
    {
        var user = await users.FindByIdAsync(principal.FindFirstValue(Claims.Subject) ?? "");
        return user is null ? TypedResults.NotFound()
            : TypedResults.Ok(user.Preferences is null ? new Preferences() : System.Text.Json.JsonSerializer.Deserialize<Preferences>(user.Preferences)!);
    }

    private static async Task<Results<Ok<Preferences>, NotFound, ValidationProblem>> SetPreferencesAsync(Preferences preferences, ClaimsPrincipal principal, UserManager<User> users)
    {
        var errors = preferences.Errors();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var user = await users.FindByIdAsync(principal.FindFirstValue(Claims.Subject) ?? "");
        if (user is null)
        {
            return TypedResults.NotFound();
        }
        user.Preferences = System.Text.Json.JsonSerializer.Serialize(preferences);
        await users.UpdateAsync(user);
        return TypedResults.Ok(preferences);
    }

    private static async Task<Ok<MyOrganization[]>> GetOrganizationsAsync(ClaimsPrincipal principal, IdentityServiceDbContext db, CancellationToken ct)
    {
        var userId = principal.UserId();
        var current = principal.FindFirstValue(ClaimNames.Organization);
        var memberships = await db.Memberships
            .Where(m => m.UserId == userId && m.IsActive)
            .Join(db.Organizations, m => m.OrganizationId, o => o.Id, (m, o) => new { m.RoleIds, o.Id, o.Name, o.Slug })
            .OrderBy(x => x.Name)
            .ToListAsync(ct);
        var roleNames = await db.OrganizationRoles.ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        return TypedResults.Ok(memberships
            .Select(m => new MyOrganization(m.Id, m.Name, m.Slug, [.. m.RoleIds.Where(roleNames.ContainsKey).Select(id => roleNames[id]).Order(StringComparer.Ordinal)], m.Id.ToString() == current))
            .ToArray());
    }

    private static Results<Ok<TokenInfo>, UnauthorizedHttpResult> Validate(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(Claims.Subject), out var userId)
        && Guid.TryParse(principal.FindFirstValue(ClaimNames.Organization), out var organizationId)
            ? TypedResults.Ok(new TokenInfo(
                userId,
                organizationId,
                principal.FindFirstValue(ClaimNames.Session) ?? "",
                [.. principal.FindAll(Claims.Role).Select(c => c.Value)],
                [.. principal.FindAll(ClaimNames.Permission).Select(c => c.Value)]))
            : TypedResults.Unauthorized(); // a valid token, but not a user's in an organization

    private static Profile ToProfile(User user) =>
        new(user.Id, user.Email!, user.EmailConfirmed, user.GivenName, user.FamilyName, user.Title, user.PhoneNumber, user.Locale, user.TimeZone);
}
