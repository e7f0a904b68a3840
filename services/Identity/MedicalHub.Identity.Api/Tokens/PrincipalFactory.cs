using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Mfa;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Tokens;

/// <summary>
/// Builds what a user's tokens say: who, in which organization, with which roles and permissions, in which session and
/// how they logged in, for which services; and which of that goes in the identity token too. Reads nothing: the
/// membership comes with its rights (<see cref="IMembershipDirectory"/>).
/// </summary>
public sealed class PrincipalFactory(IOptions<TokenServerSettings> settings)
{
    public ClaimsPrincipal Create(User user, ActiveMembership membership, string sessionId, IEnumerable<string> authenticationMethods, IEnumerable<string> scopes)
    {
        var roles = membership.Roles;
        var patientId = membership.Membership.PatientId;
        if (patientId is not null)
        {
            // A patient portal account is a patient and nothing else, whatever its row says: no staff role, no permission.
            roles = [new RoleGrant(RoleNames.Patient, [])];
        }
        var restricted = MfaEnrollmentPolicy.Restricts(membership.MfaRequiredRoleIds, membership.Membership, authenticationMethods);
        if (restricted)
        {
            roles = []; // rights only after a login with MFA (the organization's policy)
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id.ToString())
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(Claims.EmailVerified, user.EmailConfirmed)
            .SetClaim(Claims.Name, $"{user.GivenName} {user.FamilyName}")
            .SetClaim(ClaimNames.Organization, membership.OrganizationId.ToString())
            .SetClaim(ClaimNames.Session, sessionId)
            .SetClaims(ClaimNames.AuthenticationMethod, [.. authenticationMethods])
            .SetClaims(Claims.Role, [.. roles.Select(r => r.Name).Order(StringComparer.Ordinal)])
            .SetClaims(ClaimNames.Permission, [.. roles.SelectMany(r => r.Permissions).Distinct().Order(StringComparer.Ordinal)]);

        if (restricted)
        {
            identity.SetClaim(ClaimNames.MfaEnrollmentRequired, true);
        }
        if (patientId is not null && !restricted)
        {
            identity.SetClaim(ClaimNames.Patient, patientId.Value.ToString());
        }
        identity.SetScopes(scopes);
        identity.SetResources(settings.Value.Audiences);
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Name or Claims.Email or Claims.EmailVerified => [Destinations.AccessToken, Destinations.IdentityToken],
            // In the identity token too, so /connect/endsession's id_token_hint names the session to end.
            ClaimNames.Session => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return new ClaimsPrincipal(identity);
    }

    /// <summary>When the user entered the password (Unix seconds): the identity token's <c>auth_time</c>, which <c>max_age</c> relies on.</summary>
    public static void SetAuthenticationTime(ClaimsPrincipal principal, string? unixSeconds)
    {
        if (unixSeconds is null)
        {
            return;
        }
        var claim = new Claim(Claims.AuthenticationTime, unixSeconds, ClaimValueTypes.Integer64);
        claim.SetDestinations(Destinations.IdentityToken);
        ((ClaimsIdentity)principal.Identity!).AddClaim(claim);
    }
}
