using System.Security.Claims;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Identity.Api.Organizations;

/// <summary>What the organization-administration endpoints share: their answers, permission and role checks.</summary>
internal static class AdministrationResults
{
    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>409: the request is well formed but the thing is not in a state that allows it.</summary>
    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    /// <summary>The permissions the caller's token holds: nobody may grant more than they have.</summary>
    public static HashSet<string> HeldPermissions(this ClaimsPrincipal principal) =>
        [.. principal.FindAll(ClaimNames.Permission).Select(c => c.Value)];

    /// <summary>The catalogue problems of a permission list, as validation errors under <paramref name="field"/>; null when it is fine.</summary>
    public static Dictionary<string, string[]>? PermissionErrors(string[] permissions, ClaimsPrincipal grantor, string field = "permissions")
    {
        var unknown = permissions.Where(p => !PermissionNames.Catalogue.ContainsKey(p)).ToArray();
        if (unknown.Length > 0)
        {
            return new() { [field] = [$"Not in the permission catalogue (GET /api/permissions): {string.Join(", ", unknown)}."] };
        }
        var held = grantor.HeldPermissions();
        var beyond = permissions.Where(p => !held.Contains(p)).ToArray();
        return beyond.Length > 0 ? new() { [field] = [$"You can only grant permissions you hold: {string.Join(", ", beyond)}."] } : null;
    }

    /// <summary>A LIKE pattern matching exactly <paramref name="value"/> (its wildcards escaped): with ILIKE, a case-insensitive equality.</summary>
    public static string Exactly(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>True when every id is a built-in role or a custom role of the organization.</summary>
    public static async Task<bool> AreRolesOfAsync(this IdentityServiceDbContext db, Guid organizationId, IReadOnlyCollection<Guid> roleIds, CancellationToken ct)
    {
        var distinct = roleIds.Distinct().ToArray();
        var known = await db.OrganizationRoles.CountAsync(r => distinct.Contains(r.Id) && (r.OrganizationId == null || r.OrganizationId == organizationId), ct);
        return known == distinct.Length;
    }

    /// <summary>
    /// <see cref="AreRolesOfAsync"/> for what staff may hold: the patient role is given by a patient invitation only,
    /// never by a staff invitation or a role change.
    /// </summary>
    public static async Task<bool> AreStaffRolesOfAsync(this IdentityServiceDbContext db, Guid organizationId, IReadOnlyCollection<Guid> roleIds, CancellationToken ct) =>
        !roleIds.Contains(OrganizationRole.BuiltIn.Patient.Id) && await db.AreRolesOfAsync(organizationId, roleIds, ct);
}
