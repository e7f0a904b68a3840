using MedicalHub.Gateway.Extensions;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.Claims;

namespace MedicalHub.Gateway.Authentication;

public static class GatewayAuthentication
{
    /// <summary>Authorization policy of routes that need a valid access token (the route table names it).</summary>
    public const string AuthenticatedPolicy = "authenticated";

    /// <summary>Where the services' real-time hubs are routed (their clients may put the token in the query).</summary>
    public const string HubsPath = "/hubs";

    /// <summary>YARP's built-in policy name for routes open to anyone.</summary>
    public const string AnonymousPolicy = "anonymous";

    /// <summary>
    /// The services' own validation rules (<see cref="AccessTokenValidation"/>: ES256 or RS256 only, <c>typ: at+jwt</c>, the
    /// configured issuer, lifetime, a signature from Identity's JWKS reached through service discovery), for any one of
    /// the services' audiences, and the same refusal of tokens whose session has ended. Claims keep their JWT names
    /// (<c>sub</c>, <c>org_id</c>, <c>permission</c>).
    /// </summary>
    public static IHostApplicationBuilder AddGatewayAuthentication(this IHostApplicationBuilder builder)
    {
        var audiences = builder.Configuration.GetSection(GatewaySettings.SectionName).Get<GatewaySettings>()?.Audiences ?? new GatewaySettings().Audiences;
        builder.AddMedicalHubAuthentication(audiences);
        // The real-time hubs' WebSocket and server-sent-events connections carry their token in the query (browsers cannot
        // set headers there): accepted under /hubs only, validated like any other; the service validates it again.
        builder.AcceptAccessTokenInQueryUnder(HubsPath);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AuthenticatedPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(ClaimNames.Subject));
        return builder;
    }
}
