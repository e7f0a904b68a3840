using MedicalHub.Gateway.Routing;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Configuration;

namespace MedicalHub.Gateway.WebApp;

/// <summary>
/// The web app, served at <c>/</c> on the same origin as the API: its hashed assets (<c>/assets/*</c>) cached for a
/// year, <c>index.html</c> never cached and answered for every client route (a path under no route of the table nor
/// the gateway's own), all with a strict Content-Security-Policy. Static files are answered before authentication and
/// rate limiting: they are public and must not spend a client's API budget.
/// </summary>
public static class WebAppHosting
{
    /// <summary>
    /// Same-origin only: the app's own scripts and styles (no inline script or style element; React sets styles through
    /// the DOM, which CSP allows), images also as <c>data:</c> (the TOTP QR code), API calls to this origin, no plugin, no
    /// framing by anyone, forms only to this origin (Identity's login page, which sets its own policy).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; frame-src 'none'; worker-src 'self'; manifest-src 'self'";

    public const string ImmutableCacheControl = "public, max-age=31536000, immutable";
    public const string IndexCacheControl = "no-cache";
    private const string AssetsPrefix = "/assets/";

    public static IHostApplicationBuilder AddWebApp(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<WebAppSettings>(builder.Configuration.GetSection(WebAppSettings.SectionName));
        builder.Services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true; // static files only (see UseWebApp): no secret to leak through the length
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        return builder;
    }

    public static WebApplication UseWebApp(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<WebAppSettings>>().Value;
        var root = Path.GetFullPath(settings.Root ?? Path.Combine(app.Environment.ContentRootPath, "wwwroot"));
        if (!File.Exists(Path.Combine(root, "index.html")))
        {
            app.Logger.LogWarning("No web app in {Root} (no index.html): the gateway serves the API only", root);
            return app;
        }

        var files = new PhysicalFileProvider(root);
        var reserved = ReservedSegments(app.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Routes);
        app.UseWhen(context => IsAppPath(context.Request.Path, reserved), web =>
        {
            web.UseResponseCompression();
            web.Use((context, next) =>
            {
                context.Response.OnStarting(() =>
                {
                    var headers = context.Response.Headers;
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers.XContentTypeOptions = "nosniff";
                    headers["Referrer-Policy"] = "same-origin";
                    headers["Cross-Origin-Opener-Policy"] = "same-origin";
                    return Task.CompletedTask;
                });
                return next(context);
            });
            web.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                ContentTypeProvider = new FileExtensionContentTypeProvider(),
                OnPrepareResponse = file => file.Context.Response.Headers.CacheControl =
                    file.Context.Request.Path.StartsWithSegments(AssetsPrefix.TrimEnd('/'), StringComparison.Ordinal) ? ImmutableCacheControl : IndexCacheControl,
            });
            // A client route (/settings/profile, /verify-email?…): the app's page, which routes in the browser. A missing
            // file (a path with an extension, e.g. an old /assets/x.js) is not a route: it falls through to 404.
            web.Use(async (context, next) =>
            {
                if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) || Path.HasExtension(context.Request.Path.Value))
                {
                    await next(context);
                    return;
                }
                var index = files.GetFileInfo("index.html");
                context.Response.ContentType = "text/html; charset=utf-8";
                context.Response.Headers.CacheControl = IndexCacheControl;
                context.Response.ContentLength = index.Length;
                if (HttpMethods.IsGet(context.Request.Method))
                {
                    await context.Response.SendFileAsync(index, context.RequestAborted);
                }
            });
        });
        return app;
    }

    /// <summary>The first path segments that belong to the API (a route of the table) or to the gateway itself.</summary>
    public static HashSet<string> ReservedSegments(IEnumerable<RouteConfig> routes) =>
        routes.Select(r => r.Match.Path).OfType<string>().Select(RouteTable.Prefix)
            .Concat(RouteTable.GatewayOwnPaths)
            .Select(FirstSegment)
            .Where(s => s.Length > 0)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>True for the app's paths: <c>/</c>, its files, its client routes; false for anything under a reserved segment.</summary>
    public static bool IsAppPath(PathString path, HashSet<string> reserved) => !reserved.Contains(FirstSegment(path.Value ?? "/"));

    private static string FirstSegment(string path)
    {
        var trimmed = path.TrimStart('/');
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? trimmed : trimmed[..slash];
    }
}
