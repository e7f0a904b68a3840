namespace MedicalHub.Gateway.WebApp;

/// <summary>Where the web app's built files are (<c>MedicalHub:Gateway:WebApp</c>).</summary>
public sealed class WebAppSettings
{
    public const string SectionName = "MedicalHub:Gateway:WebApp";

    /// <summary>
    /// The folder of the built app (Vite's <c>dist/</c>): the AppHost sets <c>services/Web/dist</c> in run mode; a published
    /// gateway carries it as <c>wwwroot/</c> beside itself, the default. No <c>index.html</c> there: no app is served.
    /// </summary>
    public string? Root { get; set; }
}
