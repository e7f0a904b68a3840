using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Clients;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Identity.Api.Sessions;
using MedicalHub.Identity.Api.SignIn;
using MedicalHub.Identity.Api.Tokens.Grants;
using MedicalHub.Identity.Api.Tokens.SigningKeys;
using MedicalHub.Security.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Tokens;

public static class TokenServerExtensions
{
    public const string IdentityAudience = "identity";

    /// <summary>ASP.NET Core Identity for users and passwords, and the OpenID Connect token server (OpenIddict).</summary>
    public static IHostApplicationBuilder AddTokenServer(this IHostApplicationBuilder builder)
    {
        var settingsSection = builder.Configuration.GetSection(TokenServerSettings.SectionName);
        builder.Services.Configure<TokenServerSettings>(settingsSection);
        var settings = settingsSection.Get<TokenServerSettings>() ?? new TokenServerSettings();

        builder.Services.AddIdentityCore<User>(AccountRules.Configure)
            .AddEntityFrameworkStores<IdentityServiceDbContext>()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<PasswordPolicyValidator>()
            .AddPasswordValidator<PasswordHistoryValidator>()
            .AddPasswordValidator<CommonPasswordValidator>();
        builder.Services.AddSingleton<PrincipalFactory>();
        builder.Services.AddScoped<IMembershipDirectory, MembershipDirectory>();
        builder.Services.AddScoped<PasswordLogin>();
        builder.Services.AddSingleton<MfaChallenges>();
        builder.Services.AddScoped<UserSessions>();
        builder.Services.AddScoped<SignInCompletion>();
        builder.Services.AddTokenGrants();
        builder.Services.AddSingleton<EndedSessions>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddSingleton<IAuditTrail>(sp => sp.GetRequiredService<AuditTrail>());
        builder.Services.AddMemoryCache();

        builder.Services.AddOpenIddict()
            .AddCore(options =>
            {
                options.UseEntityFrameworkCore().UseDbContext<IdentityServiceDbContext>().ReplaceDefaultEntities<Guid>();
                options.ReplaceApplicationManager<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication<Guid>, Clients.VerifiedClientSecrets>();
            })
            .AddServer(options =>
            {
                if (settings.Issuer is not null)
                {
                    options.SetIssuer(settings.Issuer);
                }
                options.SetTokenEndpointUris("connect/token")
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetAuthorizationEndpointUris("connect/authorize")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetEndSessionEndpointUris("connect/endsession");
                options.AllowPasswordFlow().AllowRefreshTokenFlow().AllowCustomFlow(TokenParameters.MfaOtpGrantType);
                options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                // PKCE with S256 only: "plain" sends the verifier itself in the authorization request.
                options.Configure(server => server.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                options.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess);
                options.SetAccessTokenLifetime(settings.AccessTokenLifetime);
                // Signed, not encrypted: every service validates access tokens itself from the JWKS.
                options.DisableAccessTokenEncryption();
                options.AddTokenIssuancePolicy();
                options.SetRefreshTokenReuseLeeway(settings.RefreshTokenReuseLeeway);
                options.AddEventHandler(RefreshTokenReuseHandler.Descriptor);
                options.AddEventHandler(TokenRevocationHandler.Descriptor);
                options.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    // Inside the system requests are plain HTTP; TLS ends at the ingress.
                    .DisableTransportSecurityRequirement();
            })
            // Identity's own API accepts its access tokens, checked in-process with the server's keys;
            // like every service, it is one of the token's audiences.
            .AddValidation(options =>
            {
                options.UseLocalServer();
                options.UseAspNetCore();
                options.AddAudiences(IdentityAudience);
            });

        builder.Services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        builder.Services.AddPermissionPolicies();

        builder.Services.AddSingleton<TokenKeyStore>();
        builder.Services.AddSingleton<ConfigureTokenServerKeys>();
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>>(sp => sp.GetRequiredService<ConfigureTokenServerKeys>());
        // After OpenIddict's own post-configuration (registered by AddServer above), which sorts the signing keys.
        builder.Services.AddSingleton<IPostConfigureOptions<OpenIddictServerOptions>>(sp => sp.GetRequiredService<ConfigureTokenServerKeys>());
        builder.Services.AddHostedService<ClientRegistration>();
        builder.Services.AddHostedService<DemoOrganizationSeeder>();
        return builder;
    }
}
