using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MedicalHub.Security.Authentication;

public static class AccessTokenInQuery
{
    /// <summary>The query parameter browsers' WebSocket and EventSource connections carry the token in (they cannot set headers).</summary>
    public const string Parameter = "access_token";

    /// <summary>
    /// Under <paramref name="pathPrefix"/> only (a real-time hub, e.g. <c>/hubs</c>), a request without an
    /// <c>Authorization</c> header may carry its access token in the <c>access_token</c> query parameter, as the SignalR
    /// clients do for WebSockets and server-sent events. The token is validated exactly as a header's. Everywhere else a
    /// token in a URL is ignored (URLs end up in logs and histories).
    /// </summary>
    public static IHostApplicationBuilder AcceptAccessTokenInQueryUnder(this IHostApplicationBuilder builder, PathString pathPrefix)
    {
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            options.Events ??= new JwtBearerEvents();
            var received = options.Events.OnMessageReceived;
            options.Events.OnMessageReceived = async context =>
            {
                await received(context);
                var request = context.HttpContext.Request;
                if (context.Token is null && !request.Headers.ContainsKey("Authorization") && request.Path.StartsWithSegments(pathPrefix)
                    && request.Query[Parameter] is [{ Length: > 0 } token])
                {
                    context.Token = token;
                }
            };
        });
        return builder;
    }
}
