using System.Net;
using System.Net.Sockets;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using MedicalHub.Identity.Api.Organizations;
using MedicalHub.Identity.Api.Sessions;
using MedicalHub.Identity.Api.Tokens;
using MedicalHub.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Throttling;

/// <summary>Per-address limits on the token endpoint and the sign-up/recovery API (<c>MedicalHub:Identity:Throttling</c>).</summary>
public sealed class ThrottlingSettings
{
    public const string SectionName = "MedicalHub:Identity:Throttling";

    /// <summary>Off only for benchmarks (<c>scripts/benchmark-identity.sh</c>); the account lockout still applies.</summary>
    public bool Enabled { get; set; } = true;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Password and MFA-step grants per address and window: what password guessing and credential stuffing need.</summary>
    public int PasswordGrantsPerWindow { get; set; } = 20;

    /// <summary>Every other token request (refresh, client credentials, authorization code) per address and window.</summary>
    public int TokenRequestsPerWindow { get; set; } = 300;

    /// <summary>Requests to <c>/api/auth/*</c> (sign-up, e-mail verification, password reset) per address and window.</summary>
    public int AuthRequestsPerWindow { get; set; } = 30;
}

/// <summary>
/// Sliding-window rate limits per client address, counted by the shared <see cref="RedisRateLimiter"/> in the service's
/// Redis so that every replica shares the count. Over the limit: <c>429</c> with <c>Retry-After</c>, the OAuth error
/// shape (<c>slow_down</c>) on the token endpoint and a ProblemDetails elsewhere. The first refused password grant of a
/// window is audited (<see cref="AuditActions.LoginThrottled"/>). If Redis cannot be reached the request goes through
/// (logged): the per-account lockout still stands, and logins keep working. The address is the connection's, or the
/// <c>X-Forwarded-For</c> one only when the connection comes from a proxy listed in
/// <c>MedicalHub:Identity:TrustedProxies</c> (see <see cref="RequestThrottlingExtensions"/>).
/// </summary>
public sealed partial class RequestThrottlingMiddleware(RequestDelegate next, RedisRateLimiter limiter, IOptionsMonitor<ThrottlingSettings> settings,
    IAuditTrail audit, ILogger<RequestThrottlingMiddleware> logger)
{
    public const string TokenPath = "/connect/token";
    public const string AuthPath = "/api/auth";
    public const string LoginPagePath = "/account/login";

    private sealed record Bucket(string Name, int Limit, bool IsLogin);

    public async Task InvokeAsync(HttpContext http)
    {
        var options = settings.CurrentValue;
        if (!options.Enabled || await ClassifyAsync(http, options) is not { } bucket)
        {
            await next(http);
            return;
        }

        RateLimitDecision decision;
        try
        {
            decision = await limiter.AcquireAsync($"medicalhub:throttle:{bucket.Name}:{ClientAddress(http)}",
                new RateLimit { PermitLimit = bucket.Limit, Window = options.Window });
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException or TimeoutException)
        {
            LogRedisUnavailable(logger, exception, bucket.Name);
            await next(http);
            return;
        }

        if (decision.Allowed)
        {
            await next(http);
            return;
        }
        if (bucket.IsLogin && decision.FirstRefusal)
        {
            await AuditAsync(http, options, bucket);
        }
        await RefuseAsync(http, decision);
    }

    private static async Task<Bucket?> ClassifyAsync(HttpContext http, ThrottlingSettings options)
    {
        var request = http.Request;
        if (HttpMethods.IsPost(request.Method) && request.Path.Equals(TokenPath, StringComparison.OrdinalIgnoreCase))
        {
            var grantType = (await ReadFormAsync(http))?["grant_type"].ToString();
            return grantType is GrantTypes.Password or TokenParameters.MfaOtpGrantType
                ? new Bucket("login", options.PasswordGrantsPerWindow, IsLogin: true)
                : new Bucket("token", options.TokenRequestsPerWindow, IsLogin: false);
        }
        // The browser login page checks passwords and second factors too: it counts with the password grants.
        if (HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments(LoginPagePath, StringComparison.OrdinalIgnoreCase))
        {
            return new Bucket("login", options.PasswordGrantsPerWindow, IsLogin: true);
        }
        return request.Path.StartsWithSegments(AuthPath, StringComparison.OrdinalIgnoreCase)
            ? new Bucket("auth", options.AuthRequestsPerWindow, IsLogin: false)
            : null;
    }

    /// <summary>The form, buffered by ASP.NET Core so that OpenIddict reads the same one; null when the body is not a valid form (OpenIddict answers that).</summary>
    private static async Task<IFormCollection?> ReadFormAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType)
        {
            return null;
        }
        try
        {
            return await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or BadHttpRequestException)
        {
            return null;
        }
    }

    /// <summary>An IPv4 address as it is; an IPv6 address by its /64 prefix, the block one subscriber usually holds.</summary>
    public static string ClientAddress(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>Records the throttling under the organization of the account it targeted, when the request names a known one.</summary>
    private async Task AuditAsync(HttpContext http, ThrottlingSettings options, Bucket bucket)
    {
        var form = await ReadFormAsync(http);
        Guid? userId = null, organizationId = null;
        if (form?["username"].ToString() is { Length: > 0 and <= 256 } username)
        {
            var users = http.RequestServices.GetRequiredService<UserManager<User>>();
            if (await users.FindByEmailAsync(username) is { } user)
            {
                userId = user.Id;
                organizationId = await http.RequestServices.GetRequiredService<IMembershipDirectory>().HomeOrganizationAsync(user.Id, http.RequestAborted);
            }
        }
        var clientId = form?["client_id"].ToString();
        await audit.RecordAsync(new(AuditActions.LoginThrottled, AuditOutcomes.Failure, organizationId, SubjectUserId: userId,
            Reason: $"more than {bucket.Limit} password attempts from this address within {options.Window.TotalSeconds:0} s",
            ClientId: string.IsNullOrEmpty(clientId) ? null : clientId[..Math.Min(clientId.Length, 100)]), http.RequestAborted);
    }

    private static async Task RefuseAsync(HttpContext http, RateLimitDecision decision)
    {
        var detail = $"Too many requests from this address: try again in {decision.RetryAfterSeconds} s.";
        if (http.Request.Path.Equals(TokenPath, StringComparison.OrdinalIgnoreCase))
        {
            http.Response.SetTooManyRequests(decision);
            await http.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = "slow_down", ["error_description"] = detail }, http.RequestAborted);
            return;
        }
        await http.WriteTooManyRequestsAsync(decision, detail);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Throttling skipped for the {Bucket} bucket: Redis did not answer.")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception, string bucket);
}

public static class RequestThrottlingExtensions
{
    /// <summary>
    /// <c>MedicalHub:Identity:TrustedProxies</c>: the addresses or networks (CIDR) of the reverse proxies in
    /// front of the service. Only from those is <c>X-Forwarded-For</c> believed; none by default (ASP.NET Core
    /// would otherwise trust loopback), so a client cannot pick its own address to escape the throttling.
    /// </summary>
    public const string TrustedProxiesKey = "MedicalHub:Identity:TrustedProxies";

    public static IHostApplicationBuilder AddRequestThrottling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRedisRateLimiter();
        builder.Services.AddMemoryCache();
        builder.Services.Configure<ThrottlingSettings>(builder.Configuration.GetSection(ThrottlingSettings.SectionName));
        var trusted = builder.Configuration.GetSection(TrustedProxiesKey).Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            options.ForwardLimit = null; // walk back through every trusted proxy, no further
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var entry in trusted)
            {
                if (IPAddress.TryParse(entry, out var address))
                {
                    options.KnownProxies.Add(address);
                }
                else if (System.Net.IPNetwork.TryParse(entry, out var network))
                {
                    options.KnownIPNetworks.Add(network);
                }
                else
                {
                    throw new InvalidOperationException($"{TrustedProxiesKey}: '{entry}' is neither an IP address nor a CIDR network.");
                }
            }
        });
        return builder;
    }

    /// <summary>
    /// The client's address from trusted proxies, then the throttling, then authentication (placed here
    /// explicitly: OpenIddict answers token requests inside the authentication middleware, which must come after),
    /// the refusal of ended sessions' tokens, and authorization.
    /// </summary>
    public static WebApplication UseRequestThrottling(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<RequestThrottlingMiddleware>();
        app.UseAuthentication();
        app.UseMiddleware<EndedSessionCheck>();
        app.UseAuthorization();
        return app;
    }
}
