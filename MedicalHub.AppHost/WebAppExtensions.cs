namespace MedicalHub.AppHost;

/// <summary>
/// The web app (<c>services/Web</c>), served by the gateway at <c>/</c>. In run mode the gateway serves
/// <c>services/Web/dist</c>; when that build is missing or older than its sources, the AppHost builds it first (resource
/// <c>web-build</c>: <c>npm ci</c> when <c>node_modules</c> is missing or older than the lockfile, then <c>npm run build</c>)
/// and the gateway waits for it to finish. A published gateway carries the built app in its image (its csproj builds it
/// on publish). Identity's e-mail links and the web client's redirect URIs name the app's public URL: the gateway's.
/// </summary>
public static class WebAppExtensions
{
    public const string BuildResourceName = "web-build";

    /// <summary>Where the Vite dev server runs (<c>npm run dev</c>): Identity accepts its redirect URIs too in run mode.</summary>
    public const string DevServerUrl = "http://localhost:5173";

    public static IResourceBuilder<ProjectResource> WithWebApp(this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ProjectResource>? identity)
    {
        var builder = gateway.ApplicationBuilder;
        gateway.ServesWebApp();
        if (identity is not null)
        {
            var publicUrl = builder.ExecutionContext.IsPublishMode
                ? ReferenceExpression.Create($"{builder.AddParameter("identity-public-app-url")}")
                : ReferenceExpression.Create($"{gateway.GetEndpoint("http").Property(EndpointProperty.Url)}");
            identity
                .WithEnvironment("MedicalHub__Identity__PublicAppUrl", ReferenceExpression.Create($"{publicUrl}/"))
                .WithEnvironment("MedicalHub__Identity__WebClient__RedirectUris__0", ReferenceExpression.Create($"{publicUrl}/callback"))
                .WithEnvironment("MedicalHub__Identity__WebClient__PostLogoutRedirectUris__0", ReferenceExpression.Create($"{publicUrl}/"));
            if (builder.ExecutionContext.IsRunMode)
            {
                // Dev mode: the Vite dev server (hot reload) signs in through the same Identity.
                identity
                    .WithEnvironment("MedicalHub__Identity__WebClient__RedirectUris__1", $"{DevServerUrl}/callback")
                    .WithEnvironment("MedicalHub__Identity__WebClient__PostLogoutRedirectUris__1", $"{DevServerUrl}/");
            }
        }
        return gateway;
    }

    /// <summary>
    /// A gateway instance serves the built app; in run mode it waits for the one build (when one is needed).
    /// <paramref name="appDirectory"/>: the app's folder, <c>services/Web</c> unless a test lays out its own.
    /// </summary>
    public static IResourceBuilder<ProjectResource> ServesWebApp(this IResourceBuilder<ProjectResource> gateway, string? appDirectory = null)
    {
        var builder = gateway.ApplicationBuilder;
        if (!builder.ExecutionContext.IsRunMode)
        {
            return gateway; // the published image carries the app in wwwroot/, the gateway's default
        }
        var app = appDirectory ?? WebAppBuild.Directory(builder.AppHostDirectory);
        gateway.WithEnvironment("MedicalHub__Gateway__WebApp__Root", Path.Combine(app, "dist"));
        var build = builder.Resources.OfType<ExecutableResource>().SingleOrDefault(r => r.Name == BuildResourceName) is { } existing
            ? builder.CreateResourceBuilder(existing)
            : WebAppBuild.NeedsBuild(app)
                ? builder.AddExecutable(BuildResourceName, "bash", app, "-c", WebAppBuild.NeedsInstall(app) ? "npm ci --no-audit --no-fund && npm run build" : "npm run build")
                    .WithParentRelationship(gateway)
                : null;
        if (build is not null)
        {
            gateway.WaitForCompletion(build);
        }
        return gateway;
    }
}
