using MedicalHub.Gateway.Extensions;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace MedicalHub.Gateway.Authentication;

public static class GatewayAuthentication
{
    /// <summary>Authorization policy of routes that need a valid access token (the route table names it).</summary>
    public const string AuthenticatedPolicy = "authenticated";

    /// <summary>YARP's built-in policy name for routes open to anyone.</summary>
    public const string AnonymousPolicy = "anonymous";

    /// <summary>
    /// JWT bearer validation of Identity's access tokens: RS256 only, <c>typ: at+jwt</c>, the configured
    /// issuer, one of the services' audiences, lifetime, and a signature from Identity's JWKS, fetched
    /// through service discovery (refreshed when an unknown key id shows up, so key rotation works).
    /// Claims keep their JWT names (<c>sub</c>, <c>org_id</c>, <c>permission</c>).
    /// </summary>
    public static IHostApplicationBuilder AddGatewayAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<AuthenticationSettings>(builder.Configuration.GetSection(AuthenticationSettings.SectionName));
        builder.Services.AddHttpClient(JwksRetriever.HttpClientName);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AuthenticatedPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim("sub"));
        return builder;
    }

    private sealed class ConfigureJwtBearer(
        IOptions<AuthenticationSettings> authentication, IOptions<GatewaySettings> gateway, IHttpClientFactory httpClients)
        : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(string? name, JwtBearerOptions options)
        {
            if (name != JwtBearerDefaults.AuthenticationScheme)
            {
                return;
            }

            var issuer = authentication.Value.Issuer
                ?? throw new InvalidOperationException($"{AuthenticationSettings.SectionName}:Issuer is not set: the gateway cannot check who issued a token. The AppHost passes it.");
            options.MapInboundClaims = false;
            options.RequireHttpsMetadata = false;
            options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                authentication.Value.JwksUri.ToString(),
                new JwksRetriever(issuer.ToString()),
                new HttpDocumentRetriever(httpClients.CreateClient(JwksRetriever.HttpClientName)) { RequireHttps = false })
            {
                AutomaticRefreshInterval = TimeSpan.FromHours(1),
                RefreshInterval = TimeSpan.FromSeconds(30),
            };
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = issuer.ToString(),
                ValidAudiences = gateway.Value.Audiences,
                ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                ValidTypes = ["at+jwt"],
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ValidateIssuerSigningKey = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = "sub",
                RoleClaimType = "role",
            };
        }

        public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
    }
}
