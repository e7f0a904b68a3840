using MedicalHub.Identity.Api.Tokens;
using MedicalHub.Security.Claims;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Clients;

/// <summary>One service's client, from <c>MedicalHub:Identity:ServiceClients:&lt;clientId&gt;</c>.</summary>
public sealed class ServiceClientSettings
{
    /// <summary>The client secret (an AppHost parameter); a client without one is not registered.</summary>
    public string? Secret { get; set; }

    /// <summary>The services its tokens may be for: requested as scopes, each becomes an <c>aud</c>.</summary>
    public string[] Audiences { get; set; } = [];

    /// <summary>Catalogue permissions its tokens carry.</summary>
    public string[] Permissions { get; set; } = [];
}

/// <summary>
/// The platform's own services as confidential clients (client credentials): they are configured, not created
/// through the API, and registered (secret included) at every start, so a changed secret takes effect.
/// </summary>
public sealed class ServiceClients(IOptions<Dictionary<string, ServiceClientSettings>> options, IOptions<TokenServerSettings> tokenServer,
    ILogger<ServiceClients> logger)
{
    public const string SectionName = "MedicalHub:Identity:ServiceClients";

    /// <summary>
    /// Identity's own API serves people (its endpoints read a user and an organization from the token). A service
    /// client configured with this audience gets it only when it asks for it (scope <c>identity</c>), and its token
    /// reaches only the endpoints made for services (<see cref="Sessions.SessionRevocationsApi"/>, <see cref="Organizations.MemberContactApi"/>); integrations never.
    /// </summary>
    public const string IdentityAudience = "identity";

    public IReadOnlyDictionary<string, ServiceClientSettings> All => options.Value;

    /// <summary>The audiences a client may ask for: the services, without Identity.</summary>
    public string[] ServiceAudiences => [.. tokenServer.Value.Audiences.Where(a => a != IdentityAudience)];

    public ServiceClientSettings? Find(string? clientId) =>
        clientId is not null && options.Value.TryGetValue(clientId, out var client) && !string.IsNullOrEmpty(client.Secret) ? client : null;

    public static string[] AllowedAudiences(ServiceClientSettings client) => [.. client.Audiences.Distinct()];

    /// <summary>Creates or converges every configured service client; one configured without a secret is removed.</summary>
    public async Task RegisterAsync(IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        foreach (var (clientId, client) in options.Value)
        {
            try
            {
                var existing = await applications.FindByClientIdAsync(clientId, ct);
                if (string.IsNullOrEmpty(client.Secret))
                {
                    if (existing is not null)
                    {
                        await applications.DeleteAsync(existing, ct);
                        logger.LogWarning("Removed the {ClientId} service client: it has no secret configured", clientId);
                    }
                    continue;
                }
                foreach (var unknown in client.Permissions.Where(p => !PermissionNames.Catalogue.ContainsKey(p) && !PermissionNames.ServiceOnly.Contains(p)))
                {
                    logger.LogWarning("The {ClientId} service client is configured with the permission {Permission}, which is neither in the catalogue "
                        + "nor a service-only permission: its tokens will not carry it", clientId, unknown);
                }
                var descriptor = Descriptor(clientId, client);
                if (existing is null)
                {
                    await applications.CreateAsync(descriptor, ct);
                    logger.LogInformation("Registered the {ClientId} service client", clientId);
                }
                else
                {
                    await applications.UpdateAsync(existing, descriptor, ct); // re-hashes the configured secret
                }
            }
            catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or OpenIddictExceptions.ValidationException or OpenIddictExceptions.ConcurrencyException)
            {
                logger.LogInformation(ex, "The {ClientId} service client was registered by another replica", clientId);
            }
        }
    }

    private static OpenIddictApplicationDescriptor Descriptor(string clientId, ServiceClientSettings client)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = client.Secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = $"MedicalHub {clientId} service",
            // Introspection: a service may ask whether a token of its own audience is still active (OpenIddict lets a
            // caller introspect only the tokens it is an audience or the presenter of).
            Permissions =
            {
                OpenIddictConstants.Permissions.Endpoints.Token,
                OpenIddictConstants.Permissions.Endpoints.Introspection,
                OpenIddictConstants.Permissions.GrantTypes.ClientCredentials,
            },
        };
        foreach (var scope in ClientCredentialsExtensions.ScopePermissions(AllowedAudiences(client)))
        {
            descriptor.Permissions.Add(scope);
        }
        return descriptor;
    }
}
