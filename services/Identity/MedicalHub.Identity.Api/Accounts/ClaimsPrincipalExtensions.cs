using System.Security.Claims;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Accounts;

/// <summary>Who an authenticated request is from, read from its access token's claims.</summary>
public static class ClaimsPrincipalExtensions
{
    /// <summary>The user (<c>sub</c>); present in every user token this service accepts.</summary>
    public static Guid UserId(this ClaimsPrincipal principal) => Guid.Parse(principal.FindFirstValue(Claims.Subject)!);

    /// <summary>The organization the token is for (<c>org_id</c>), if any.</summary>
    public static Guid? OrganizationId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimNames.Organization), out var id) ? id : null;

    /// <summary>The organization the token is for, for endpoints that only make sense within one.</summary>
    public static Guid RequiredOrganizationId(this ClaimsPrincipal principal) =>
        principal.OrganizationId() ?? throw new InvalidOperationException("The token names no organization.");
}
