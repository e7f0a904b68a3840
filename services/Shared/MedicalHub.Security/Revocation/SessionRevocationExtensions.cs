using MedicalHub.Security.Authentication;
using MedicalHub.Security.ServiceClients;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalHub.Security.Revocation;

public static class SessionRevocationExtensions
{
    /// <summary>The audience of the service token that reads Identity's revocations.</summary>
    internal const string IdentityAudience = "identity";

    /// <summary>
    /// Tokens of ended sessions (logout, "end other sessions", password reset, deactivation, refresh-token replay) are
    /// refused within seconds: <see cref="SessionRevocationPoller"/> keeps <see cref="RevokedSessions"/> current from
    /// Identity, through this service's own Redis when it has one; the JwtBearer handler consults it.
    /// </summary>
    public static IHostApplicationBuilder AddSessionRevocations(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<SessionRevocationSettings>(builder.Configuration.GetSection(SessionRevocationSettings.SectionName));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<RevokedSessions>();
        var settings = builder.Configuration.GetSection(SessionRevocationSettings.SectionName).Get<SessionRevocationSettings>() ?? new();
        if (!settings.Enabled)
        {
            return builder;
        }
        builder.Services.AddHttpClient(SessionRevocationPoller.HttpClientName, (sp, http) =>
                http.BaseAddress = sp.GetRequiredService<IOptions<AuthenticationSettings>>().Value.IdentityUrl)
            .AddServiceAuthentication(IdentityAudience);
        builder.Services.AddHostedService<SessionRevocationPoller>();
        return builder;
    }
}
