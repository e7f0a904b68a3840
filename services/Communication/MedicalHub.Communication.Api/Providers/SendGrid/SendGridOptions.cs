namespace MedicalHub.Communication.Api.Providers.SendGrid;

public sealed class SendGridOptions : ProviderOptions
{
    public override Uri BaseUrl { get; set; } = new("https://api.sendgrid.com/");

    /// <summary>A SendGrid API key with Mail Send permission (secret).</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>The verified sender address.</summary>
    public string FromEmail { get; set; } = "";

    public string? FromName { get; set; }

    /// <summary>
    /// The Event Webhook's verification key as SendGrid shows it (base64 DER, or PEM). Without it the webhook for this
    /// provider answers 404: unsigned events are never accepted.
    /// </summary>
    public string? WebhookPublicKey { get; set; }

    /// <summary>How old a signed webhook timestamp may be.</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(10);

    public override IEnumerable<string> Validate() =>
        base.Validate().Concat(Required((nameof(ApiKey), ApiKey), (nameof(FromEmail), FromEmail)));
}
