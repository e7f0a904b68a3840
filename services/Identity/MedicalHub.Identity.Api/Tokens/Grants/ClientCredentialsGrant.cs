using System.Security.Claims;
using MedicalHub.Identity.Api.Clients;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Tokens.Grants;

/// <summary>
/// <c>grant_type=client_credentials</c>. OpenIddict has already authenticated the confidential client and checked
/// that it may use each requested scope. A scope naming a service (<c>content</c>, <c>communication</c>,
/// <c>workflow</c>) asks for that audience; with none, the token is for every service the client may call.
/// </summary>
public sealed class ClientCredentialsGrant(ServiceClients services, IdentityServiceDbContext db) : ITokenGrant
{
    public async Task<IResult> ExchangeAsync(OpenIddictRequest request, HttpContext http, CancellationToken ct)
    {
        var clientId = request.ClientId!;
        if (services.Find(clientId) is { } service)
        {
            return Issue(request, clientId, ClientKinds.Service, organizationId: null, service.Permissions, ServiceClients.AllowedAudiences(service));
        }

        var integration = await db.ApiClients.AsNoTracking()
            .Where(c => c.ClientId == clientId && db.Organizations.Any(o => o.Id == c.OrganizationId))
            .SingleOrDefaultAsync(ct);
        if (integration is not null)
        {
            return Issue(request, clientId, ClientKinds.Integration, integration.OrganizationId, integration.Permissions, services.ServiceAudiences);
        }
        return OAuthResults.Forbid(Errors.InvalidClient, "The client may not use the client credentials grant.");
    }

    private static IResult Issue(OpenIddictRequest request, string clientId, string kind, Guid? organizationId, string[] permissions, string[] allowedAudiences)
    {
        var requested = request.GetScopes().Where(allowedAudiences.Contains).ToArray();
        // Without a scope: every service the client may call, but never Identity (asked for explicitly, or not at all).
        var audiences = requested.Length > 0 ? requested : [.. allowedAudiences.Where(a => a != ServiceClients.IdentityAudience)];
        if (audiences.Length == 0)
        {
            return OAuthResults.Forbid(Errors.InvalidScope, "The client may call no service.");
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId)
            .SetClaim(ClaimNames.ClientKind, kind)
            .SetClaims(ClaimNames.Permission, [.. permissions
                .Where(p => PermissionNames.Catalogue.ContainsKey(p) || (kind == ClientKinds.Service && PermissionNames.ServiceOnly.Contains(p)))
                .Distinct().Order(StringComparer.Ordinal)]);
        if (organizationId is not null)
        {
            identity.SetClaim(ClaimNames.Organization, organizationId.Value.ToString());
        }
        identity.SetScopes(request.GetScopes());
        identity.SetResources(audiences);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return OAuthResults.SignIn(new ClaimsPrincipal(identity));
    }
}
