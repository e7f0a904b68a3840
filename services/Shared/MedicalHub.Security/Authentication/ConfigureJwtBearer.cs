using MedicalHub.Security.Claims;
using MedicalHub.Security.Revocation;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace MedicalHub.Security.Authentication;

internal sealed class ConfigureJwtBearer(
    string[] audiences, IOptions<AuthenticationSettings> settings, IHttpClientFactory httpClients, RevokedSessions revoked)
    : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        var s = settings.Value;
        var jwks = new Uri(s.IdentityUrl, s.JwksPath).ToString();
        // The keys come through service discovery ("http://identity"), never through the issuer (a public URL).
        options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
            jwks,
            new JwksConfigurationRetriever(),
            new HttpDocumentRetriever(httpClients.CreateClient(AuthenticationExtensions.JwksHttpClient)) { RequireHttps = false })
        {
            AutomaticRefreshInterval = s.KeyRefreshInterval,
            RefreshInterval = s.MinimumKeyRefreshInterval,
        };
        // A token signed by a key not yet known (a rotation) makes the handler re-read the JWKS.
        options.RefreshOnIssuerKeyNotFound = true;
        options.MapInboundClaims = false;
        options.RequireHttpsMetadata = false;
        options.TokenValidationParameters = AccessTokenValidation.Parameters(audiences, s);

        // A token of an ended session is refused, though its signature and lifetime are fine.
        options.Events ??= new JwtBearerEvents();
        var validated = options.Events.OnTokenValidated;
        options.Events.OnTokenValidated = async context =>
        {
            await validated(context);
            if (revoked.IsRevoked(context.Principal?.FindFirst(ClaimNames.Session)?.Value))
            {
                context.Fail("The session of this token has ended.");
            }
        };
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
}
