using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Mfa;
using MedicalHub.Identity.Api.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Tokens;

/// <summary>Builds what a user's tokens say: who, in which organization, with which roles and permissions.</summary>
public sealed class PrincipalFactory(IdentityServiceDbContext db, IOptions<TokenServerSettings> settings)
{
    private readonly Dictionary<Guid, MembershipRights> _rights = [];

    public const string OrganizationClaim = "org_id";
    public const string PermissionClaim = "permission";
    public const string SessionClaim = "sid";
    public const string AuthenticationMethodClaim = "amr";

    /// <summary>
    /// The active memberships of a user, oldest first (the default organization is the first), read in one query
    /// together with what <see cref="CreateAsync"/> needs for each: its roles' names and permissions and the
    /// organization's MFA policy. They are kept for this request, so building the principal reads nothing more.
    /// </summary>
    public async Task<List<Membership>> ActiveMembershipsAsync(Guid userId, CancellationToken ct)
    {
        var rows = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId && m.IsActive)
            .OrderBy(m => m.CreatedAt)
            .Select(WithRights())
            .ToListAsync(ct);
        return Remember(rows);
    }

    /// <summary>A membership with its roles' names and permissions and its organization's MFA policy, read in the same query.</summary>
    private sealed record MembershipWithRights(Membership Membership, List<RoleGrant> Roles, List<Guid>? MfaRequiredRoleIds);

    private System.Linq.Expressions.Expression<Func<Membership, MembershipWithRights>> WithRights() => m => new MembershipWithRights(
        m,
        db.OrganizationRoles
            .Where(r => m.RoleIds.Contains(r.Id) && (r.OrganizationId == null || r.OrganizationId == m.OrganizationId))
            .Select(r => new RoleGrant(r.Name, r.Permissions))
            .ToList(),
        db.Organizations.Where(o => o.Id == m.OrganizationId).Select(o => o.MfaRequiredRoleIds).FirstOrDefault());

    private List<Membership> Remember(List<MembershipWithRights> rows)
    {
        foreach (var row in rows)
        {
            _rights[row.Membership.Id] = new MembershipRights(row.Roles, row.MfaRequiredRoleIds);
        }
        return [.. rows.Select(r => r.Membership)];
    }

    /// <summary>
    /// For a refresh: the user and <see cref="ActiveMembershipsAsync"/>, in one query (null when the user no longer exists).
    /// The user is not tracked: a refresh only reads it.
    /// </summary>
    public async Task<(User User, List<Membership> Memberships)?> UserWithActiveMembershipsAsync(Guid userId, CancellationToken ct)
    {
        var withRights = WithRights();
        var row = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new
            {
                User = u,
                Memberships = db.Memberships
                    .Where(m => m.UserId == u.Id && m.IsActive)
                    .OrderBy(m => m.CreatedAt)
                    .Select(withRights)
                    .ToList(),
            })
            .SingleOrDefaultAsync(ct);
        return row is null ? null : (row.User, Remember(row.Memberships));
    }

    /// <summary>The organization a user's events are recorded under when no token names one: their oldest active membership.</summary>
    public Task<Guid?> HomeOrganizationAsync(Guid userId, CancellationToken ct) =>
        db.Memberships.Where(m => m.UserId == userId && m.IsActive).OrderBy(m => m.CreatedAt).Select(m => (Guid?)m.OrganizationId).FirstOrDefaultAsync(ct);

    public async Task<ClaimsPrincipal> CreateAsync(User user, Membership membership, string sessionId, IEnumerable<string> authenticationMethods,
        IEnumerable<string> scopes, CancellationToken ct)
    {
        if (!_rights.TryGetValue(membership.Id, out var rights))
        {
            rights = new MembershipRights(
                await db.OrganizationRoles
                    .Where(r => membership.RoleIds.Contains(r.Id) && (r.OrganizationId == null || r.OrganizationId == membership.OrganizationId))
                    .Select(r => new RoleGrant(r.Name, r.Permissions))
                    .ToListAsync(ct),
                await db.Organizations.Where(o => o.Id == membership.OrganizationId).Select(o => o.MfaRequiredRoleIds).SingleOrDefaultAsync(ct));
        }
        var roles = rights.Roles;
        var restricted = MfaEnrollmentPolicy.Restricts(rights.MfaRequiredRoleIds, membership, authenticationMethods);
        if (restricted)
        {
            roles = []; // rights only after a login with MFA (the organization's policy)
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id.ToString())
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(Claims.EmailVerified, user.EmailConfirmed)
            .SetClaim(Claims.Name, $"{user.GivenName} {user.FamilyName}")
            .SetClaim(OrganizationClaim, membership.OrganizationId.ToString())
            .SetClaim(SessionClaim, sessionId)
            .SetClaims(AuthenticationMethodClaim, [.. authenticationMethods])
            .SetClaims(Claims.Role, [.. roles.Select(r => r.Name).Order(StringComparer.Ordinal)])
            .SetClaims(PermissionClaim, [.. roles.SelectMany(r => r.Permissions).Distinct().Order(StringComparer.Ordinal)]);

        if (restricted)
        {
            identity.SetClaim(MfaEnrollmentPolicy.Claim, true);
        }
        identity.SetScopes(scopes);
        identity.SetResources(settings.Value.Audiences);
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Name or Claims.Email or Claims.EmailVerified => [Destinations.AccessToken, Destinations.IdentityToken],
            // In the identity token too, so /connect/endsession's id_token_hint names the session to end.
            SessionClaim => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return new ClaimsPrincipal(identity);
    }
}

/// <summary>A role as tokens show it: its name and permissions.</summary>
public sealed record RoleGrant(string Name, string[] Permissions);

/// <summary>What a membership grants: its roles, and the roles its organization requires MFA for.</summary>
public sealed record MembershipRights(List<RoleGrant> Roles, List<Guid>? MfaRequiredRoleIds);
