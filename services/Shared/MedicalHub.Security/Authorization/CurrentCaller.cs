using System.Security.Claims;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.Claims;

namespace MedicalHub.Security.Authorization;

/// <summary>
/// Who the current request is from, as its validated access token says: a user acting within one organization
/// (<c>sub</c>, <c>org_id</c>, permissions), or a service (<c>client_kind</c> = <c>service</c>, no organization of its own).
/// Resolved per request from DI.
/// </summary>
public sealed class CurrentCaller
{
    private static readonly CurrentCaller Anonymous = new(null, null, null, null, new HashSet<string>(StringComparer.Ordinal), isAuthenticated: false);

    private readonly IReadOnlySet<string> _permissions;

    private CurrentCaller(Guid? userId, Guid? organizationId, string? clientId, string? clientKind, IReadOnlySet<string> permissions, bool isAuthenticated)
    {
        UserId = userId;
        OrganizationId = organizationId;
        ClientId = clientId;
        ClientKind = clientKind;
        _permissions = permissions;
        IsAuthenticated = isAuthenticated;
    }

    public bool IsAuthenticated { get; }

    /// <summary>The user (<c>sub</c>); null for a service.</summary>
    public Guid? UserId { get; }

    /// <summary>The organization the token is for (<c>org_id</c>); null for a service.</summary>
    public Guid? OrganizationId { get; }

    public string? ClientId { get; }

    public string? ClientKind { get; }

    public bool IsService => ClientKind == ClientKinds.Service;

    public IReadOnlySet<string> Permissions => _permissions;

    public bool HasPermission(string permission) => _permissions.Contains(permission);

    public static CurrentCaller From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return Anonymous;
        }

        var isService = principal.FindFirstValue(ClaimNames.ClientKind) == ClientKinds.Service;
        return new CurrentCaller(
            !isService && Guid.TryParse(principal.FindFirstValue(ClaimNames.Subject), out var user) ? user : null,
            Guid.TryParse(principal.FindFirstValue(ClaimNames.Organization), out var org) ? org : null,
            principal.FindFirstValue(ClaimNames.ClientId),
            principal.FindFirstValue(ClaimNames.ClientKind),
            principal.FindAll(ClaimNames.Permission).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            isAuthenticated: true);
    }
}
