using MedicalHub.Security.Authorization;
using MedicalHub.Security.ServiceClients;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalHub.Security.Authentication;

public static class AuthenticationExtensions
{
    /// <summary>The HttpClient (with service discovery) that reads Identity's signing keys.</summary>
    internal const string JwksHttpClient = "medicalhub-identity-jwks";

    /// <summary>
    /// Accepts Identity's access tokens addressed to <paramref name="audience"/> (this service's name): RS256-signed
    /// with one of the keys in Identity's JWKS, issued by <c>MedicalHub:Authentication:Issuer</c>, of type
    /// <c>at+jwt</c>, not expired. Adds the permission policies, the <see cref="CurrentCaller"/> and the
    /// client-credentials token client for calls to other services.
    /// </summary>
    public static IHostApplicationBuilder AddMedicalHubAuthentication(this IHostApplicationBuilder builder, string audience)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        builder.Services.Configure<AuthenticationSettings>(builder.Configuration.GetSection(AuthenticationSettings.SectionName));
        builder.Services.AddOptions<AuthenticationSettings>()
            .Validate(s => s.Issuer is not null, $"{AuthenticationSettings.SectionName}:Issuer must be configured (the AppHost passes it).")
            .ValidateOnStart();

        builder.Services.AddHttpClient(JwksHttpClient);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddSingleton<IConfigureOptions<JwtBearerOptions>>(sp => new ConfigureJwtBearer(
            audience, sp.GetRequiredService<IOptions<AuthenticationSettings>>(), sp.GetRequiredService<IHttpClientFactory>()));
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, PermissionHandler>();

        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddScoped(sp => CurrentCaller.From(sp.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>().HttpContext?.User));

        builder.AddServiceTokenClient();
        return builder;
    }
}
