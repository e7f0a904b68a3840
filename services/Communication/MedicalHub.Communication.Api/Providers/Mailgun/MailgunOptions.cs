namespace MedicalHub.Communication.Api.Providers.Mailgun;

public sealed class MailgunOptions : ProviderOptions
{
    /// <summary>US region by default; EU accounts use <c>https://api.eu.mailgun.net/</c>.</summary>
    public override Uri BaseUrl { get; set; } = new("https://api.mailgun.net/");

    /// <summary>The Mailgun private API key (secret), sent as Basic <c>api:&lt;key&gt;</c>.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The sending domain, as in <c>/v3/{domain}/messages</c>.</summary>
    public string Domain { get; set; } = "";

    public string FromEmail { get; set; } = "";

    public string? FromName { get; set; }

    /// <summary>The HTTP webhook signing key (secret). Without it the webhook for this provider answers 404.</summary>
    public string? WebhookSigningKey { get; set; }

    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(10);

    public override IEnumerable<string> Validate() =>
        base.Validate().Concat(Required((nameof(ApiKey), ApiKey), (nameof(Domain), Domain), (nameof(FromEmail), FromEmail)));
}
