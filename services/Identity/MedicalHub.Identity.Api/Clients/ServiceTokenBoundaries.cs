using MedicalHub.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace MedicalHub.Identity.Api.Clients;

public static class ServiceTokenBoundaries
{
    /// <summary>
    /// Identity's API serves people: the default authorization policy refuses a service's client-credentials token, which
    /// reaches only the endpoints that ask for one (the session revocation list, member contacts).
    /// </summary>
    public static IServiceCollection AddServiceTokenBoundaries(this IServiceCollection services)
    {
        services.Configure<AuthorizationOptions>(options => options.DefaultPolicy = new AuthorizationPolicyBuilder(options.DefaultPolicy)
            .RequireAssertion(c => !c.User.HasClaim(ClaimNames.ClientKind, ClientKinds.Service))
            .Build());
        return services;
    }
}
