using OpenIddict.Abstractions;

namespace MedicalHub.Identity.Api.Clients;

/// <summary>
/// Where the browser client <c>medicalhub-web</c> may be sent back to after login and logout, from
/// <c>MedicalHub:Identity:WebClient:RedirectUris</c> and <c>PostLogoutRedirectUris</c>. In Development,
/// without configuration, the web app's local dev server (<c>http://localhost:5173</c>).
/// </summary>
internal static class WebClientRedirects
{
    public const string SectionName = "MedicalHub:Identity:WebClient";

    public static readonly Uri[] DevelopmentRedirectUris = [new("http://localhost:5173/callback")];
    public static readonly Uri[] DevelopmentPostLogoutRedirectUris = [new("http://localhost:5173/")];

    public static void Apply(OpenIddictApplicationDescriptor descriptor, IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(SectionName);
        var redirects = Read(section, "RedirectUris");
        var postLogout = Read(section, "PostLogoutRedirectUris");
        if (environment.IsDevelopment())
        {
            redirects = redirects.Length > 0 ? redirects : DevelopmentRedirectUris;
            postLogout = postLogout.Length > 0 ? postLogout : DevelopmentPostLogoutRedirectUris;
        }
        descriptor.RedirectUris.UnionWith(redirects);
        descriptor.PostLogoutRedirectUris.UnionWith(postLogout);
    }

    private static Uri[] Read(IConfigurationSection section, string key) =>
        [.. (section.GetSection(key).Get<string[]>() ?? []).Where(u => !string.IsNullOrWhiteSpace(u)).Select(u => new Uri(u, UriKind.Absolute))];
}
