using MedicalHub.Communication.Api.Delivery;

namespace MedicalHub.Communication.Api.Routing;

/// <summary>The service's configuration (<c>MedicalHub:Communication</c>) besides the engine's.</summary>
public sealed class CommunicationSettings
{
    public const string SectionName = "MedicalHub:Communication";

    /// <summary>The sender of e-mail unless a provider names its own.</summary>
    public string From { get; set; } = "MedicalHub <no-reply@medicalhub.local>";

    /// <summary>The public address of the web app, offered to templates as <c>app.url</c> (links in e-mails).</summary>
    public Uri AppUrl { get; set; } = new("http://localhost:8000");

    /// <summary>The public address of this service's own endpoints (one-click unsubscribe links).</summary>
    public Uri PublicUrl { get; set; } = new("http://localhost:8003");

    /// <summary>Configured providers by name; <c>Type</c> says which implementation serves each.</summary>
    public Dictionary<string, ProviderSettings> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The default provider order per channel (first tried first); organizations may set their own.</summary>
    public Dictionary<Channel, string[]> Routing { get; set; } = [];

    /// <summary>Signs one-click unsubscribe links (a secret the AppHost generates).</summary>
    public string? UnsubscribeKey { get; set; }

    /// <summary>Categories that ignore opt-outs and quiet hours, and carry no unsubscribe link.</summary>
    public string[] CriticalCategories { get; set; } = ["account-security"];
}

/// <summary>One configured provider. Each implementation reads the fields it needs.</summary>
public sealed class ProviderSettings
{
    /// <summary><c>smtp</c>, <c>sendgrid</c>, <c>mailgun</c>, <c>twilio</c>, <c>ovh</c>, <c>fcm</c>...</summary>
    public string Type { get; set; } = "";

    /// <summary>Calls per second allowed to this provider across every replica; 0 for no limit.</summary>
    public int RateLimitPerSecond { get; set; }

    /// <summary>SMTP: <c>smtp://host:port</c> (or <c>Endpoint=smtp://host:port;Username=...;Password=...</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>SMTP: the name of a connection string (<c>ConnectionStrings:&lt;name&gt;</c>) to use instead of <see cref="ConnectionString"/>.</summary>
    public string? ConnectionStringName { get; set; }

    /// <summary>E-mail: the sender, when not the service's default.</summary>
    public string? From { get; set; }
}
