using MedicalHub.Security.Authorization;
using MedicalHub.Security.Revocation;
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
    /// Accepts Identity's access tokens addressed to <paramref name="audience"/> (this service's name): ES256- (or RS256-) signed
    /// with one of the keys in Identity's JWKS, issued by <c>MedicalHub:Authentication:Issuer</c>, of type
    /// <c>at+jwt</c>, not expired. Adds the permission policies, the <see cref="CurrentCaller"/> and the
    /// client-credentials token client for calls to other services.
    /// </summary>
    public static IHostApplicationBuilder AddMedicalHubAuthentication(this IHostApplicationBuilder builder, string audience)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        return builder.AddMedicalHubAuthentication([audience]);
    }

    /// <summary>
    /// As <see cref="AddMedicalHubAuthentication(IHostApplicationBuilder, string)"/>, accepting tokens for any one of
    /// <paramref name="audiences"/> (the gateway, which fronts every service). Tokens of ended sessions are refused
    /// within seconds (<see cref="SessionRevocationExtensions.AddSessionRevocations"/>).
    /// </summary>
    public static IHostApplicationBuilder AddMedicalHubAuthentication(this IHostApplicationBuilder builder, string[] audiences)
    {
        if (audiences.Length == 0 || audiences.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("At least one audience, none empty.", nameof(audiences));
        }
        builder.Services.Configure<AuthenticationSettings>(builder.Configuration.GetSection(AuthenticationSettings.SectionName));
        builder.Services.AddOptions<AuthenticationSettings>()
            .Validate(s => s.Issuer is not null, $"{AuthenticationSettings.SectionName}:Issuer must be configured (the AppHost passes it).")
            .ValidateOnStart();

        builder.Services.AddHttpClient(JwksHttpClient);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddSingleton<IConfigureOptions<JwtBearerOptions>>(sp => new ConfigureJwtBearer(
            audiences, sp.GetRequiredService<IOptions<AuthenticationSettings>>(), sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<RevokedSessions>()));
        builder.Services.AddPermissionPolicies();

        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddScoped(sp => CurrentCaller.From(sp.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>().HttpContext?.User));

        builder.AddServiceTokenClient();
        builder.AddSessionRevocations();
        return builder;
    }
}
