namespace MedicalHub.Communication.Api.Providers;

/// <summary>Settings every HTTP provider shares; each provider's options add their own keys.</summary>
public abstract class ProviderOptions
{
    /// <summary>sendgrid, mailgun, twilio, ovh or fcm (smtp is registered by the delivery engine).</summary>
    public string Type { get; set; } = "";

    /// <summary>The provider's API root; tests and regional accounts point it elsewhere.</summary>
    public abstract Uri BaseUrl { get; set; }

    /// <summary>How long one call may take before it counts as a transient failure.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An endpoint under <see cref="BaseUrl"/>, whether or not the configured URL ends with a slash.</summary>
    public Uri Endpoint(string relativePath)
    {
        var root = BaseUrl.AbsoluteUri.EndsWith('/') ? BaseUrl : new Uri(BaseUrl.AbsoluteUri + "/");
        return new Uri(root, relativePath);
    }

    /// <summary>Every missing or invalid setting, named by its configuration key.</summary>
    public virtual IEnumerable<string> Validate()
    {
        if (!BaseUrl.IsAbsoluteUri)
        {
            yield return $"{nameof(BaseUrl)} must be an absolute URL";
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return $"{nameof(Timeout)} must be positive";
        }
    }

    protected static IEnumerable<string> Required(params (string Key, string? Value)[] settings) =>
        settings.Where(setting => string.IsNullOrWhiteSpace(setting.Value)).Select(setting => $"{setting.Key} is required");
}
