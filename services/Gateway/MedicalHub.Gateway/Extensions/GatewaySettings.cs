namespace MedicalHub.Gateway.Extensions;

/// <summary>The gateway's own settings (section <c>MedicalHub:Gateway</c>); the route table is the <c>ReverseProxy</c> section.</summary>
public sealed class GatewaySettings
{
    public const string SectionName = "MedicalHub:Gateway";

    /// <summary>Connection name of the gateway's own Redis, as the AppHost declares it.</summary>
    public const string RedisName = "gateway-redis";

    public CorsSettings Cors { get; set; } = new();

    /// <summary>Networks (CIDR) of the proxies in front of the gateway (ingress, load balancer) whose <c>X-Forwarded-For</c> is believed; loopback always is.</summary>
    public string[] TrustedNetworks { get; set; } = [];

    /// <summary>The audiences a token may carry to pass the gateway: the services behind it (each checks its own again).</summary>
    public string[] Audiences { get; set; } = ["identity", "content", "communication", "workflow"];

    public sealed class CorsSettings
    {
        /// <summary>Browser origins allowed to call the API (exact scheme, host and port).</summary>
        public string[] Origins { get; set; } = [];
    }
}

/// <summary>The issuer every MedicalHub component checks (section <c>MedicalHub:Authentication</c>, shared with the services).</summary>
public sealed class AuthenticationSettings
{
    public const string SectionName = "MedicalHub:Authentication";

    /// <summary>The public URL of the token issuer (the gateway's when a gateway fronts Identity); set by the AppHost.</summary>
    public Uri? Issuer { get; set; }

    /// <summary>Where the signing keys are fetched: Identity's JWKS through service discovery, never through the public URL.</summary>
    public Uri JwksUri { get; set; } = new("http://identity/.well-known/jwks");
}
