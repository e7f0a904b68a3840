using MedicalHub.Identity.Api.Tokens;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Clients;

public static class ClientCredentialsExtensions
{
    /// <summary>
    /// The client-credentials grant for the platform's services (configured) and integrators' API clients (created
    /// by an organization), and the service audiences they request as scopes.
    /// </summary>
    public static IHostApplicationBuilder AddClientCredentials(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<Dictionary<string, ServiceClientSettings>>(builder.Configuration.GetSection(ServiceClients.SectionName));
        builder.Services.AddSingleton<ServiceClients>();
        builder.Services.AddScoped<ApiClients>();

        var tokenServer = builder.Configuration.GetSection(TokenServerSettings.SectionName).Get<TokenServerSettings>() ?? new TokenServerSettings();
        var configured = builder.Configuration.GetSection(ServiceClients.SectionName).Get<Dictionary<string, ServiceClientSettings>>() ?? [];
        // "identity" is a scope only when a service client is configured for it (to read the session revocations).
        string[] audienceScopes = [.. tokenServer.Audiences.Where(a => a != ServiceClients.IdentityAudience)
            .Concat(configured.Values.Where(c => !string.IsNullOrEmpty(c.Secret)).SelectMany(ServiceClients.AllowedAudiences)).Distinct(StringComparer.Ordinal)];

        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.AllowClientCredentialsFlow();
            options.RegisterScopes(audienceScopes);
        });
        return builder;
    }

    /// <summary>The scope permissions of a client allowed to ask for these audiences.</summary>
    public static IEnumerable<string> ScopePermissions(IEnumerable<string> audiences) => audiences.Select(a => Permissions.Prefixes.Scope + a);
}
