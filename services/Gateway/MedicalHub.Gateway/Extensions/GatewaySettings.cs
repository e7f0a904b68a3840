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
