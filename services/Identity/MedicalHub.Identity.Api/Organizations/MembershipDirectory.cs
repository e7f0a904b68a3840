using System.Linq.Expressions;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Identity.Api.Organizations;

/// <summary>A role as tokens show it: its name and permissions.</summary>
public sealed record RoleGrant(string Name, string[] Permissions);

/// <summary>An active membership with what it grants: its roles, and the roles its organization requires MFA for.</summary>
public sealed record ActiveMembership(Membership Membership, List<RoleGrant> Roles, List<Guid>? MfaRequiredRoleIds)
{
    public Guid OrganizationId => Membership.OrganizationId;
}

/// <summary>Which organizations a user is an active member of, and with which rights.</summary>
public interface IMembershipDirectory
{
    /// <summary>The active memberships of a user, oldest first (the default organization is the first), with their rights, in one query.</summary>
    Task<List<ActiveMembership>> ActiveAsync(Guid userId, CancellationToken ct);

    /// <summary>For a refresh: the user (not tracked: only read) and <see cref="ActiveAsync"/> in one query; null when the user no longer exists.</summary>
    Task<(User User, List<ActiveMembership> Memberships)?> UserWithActiveAsync(Guid userId, CancellationToken ct);

    /// <summary>The organization a user's events are recorded under when no token names one: their oldest active membership's.</summary>
    Task<Guid?> HomeOrganizationAsync(Guid userId, CancellationToken ct);
}

public sealed class MembershipDirectory(IdentityServiceDbContext db) : IMembershipDirectory
{
    /// <summary>
    /// The membership a sign-in is for: the one in <paramref name="organizationId"/> (the <c>organization_id</c> a client
    /// asked for), or without one the oldest; null when the user is no active member there, or the id is not one.
    /// </summary>
    public static ActiveMembership? Choose(IReadOnlyList<ActiveMembership> memberships, string? organizationId)
    {
        if (organizationId is null)
        {
            return memberships.Count > 0 ? memberships[0] : null;
        }
        return Guid.TryParse(organizationId, out var id) ? memberships.FirstOrDefault(m => m.OrganizationId == id) : null;
    }

    public Task<List<ActiveMembership>> ActiveAsync(Guid userId, CancellationToken ct) =>
        db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId && m.IsActive)
            .OrderBy(m => m.CreatedAt)
            .Select(WithRights())
            .ToListAsync(ct);

    public async Task<(User User, List<ActiveMembership> Memberships)?> UserWithActiveAsync(Guid userId, CancellationToken ct)
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
        return row is null ? null : (row.User, row.Memberships);
    }

    public Task<Guid?> HomeOrganizationAsync(Guid userId, CancellationToken ct) =>
        db.Memberships.Where(m => m.UserId == userId && m.IsActive).OrderBy(m => m.CreatedAt).Select(m => (Guid?)m.OrganizationId).FirstOrDefaultAsync(ct);

    /// <summary>A membership with its roles' names and permissions and its organization's MFA policy, read in the same query.</summary>
    private Expression<Func<Membership, ActiveMembership>> WithRights() => m => new ActiveMembership(
        m,
        db.OrganizationRoles
            .Where(r => m.RoleIds.Contains(r.Id) && (r.OrganizationId == null || r.OrganizationId == m.OrganizationId))
            .Select(r => new RoleGrant(r.Name, r.Permissions))
            .ToList(),
        db.Organizations.Where(o => o.Id == m.OrganizationId).Select(o => o.MfaRequiredRoleIds).FirstOrDefault());
}
