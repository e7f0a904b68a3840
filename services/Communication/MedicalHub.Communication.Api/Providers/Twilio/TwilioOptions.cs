namespace MedicalHub.Communication.Api.Providers.Twilio;

public sealed class TwilioOptions : ProviderOptions
{
    public override Uri BaseUrl { get; set; } = new("https://api.twilio.com/");

    public string AccountSid { get; set; } = "";

    /// <summary>The account's auth token (secret): Basic auth for the API and the key of status callback signatures.</summary>
    public string AuthToken { get; set; } = "";

    /// <summary>The sending number (E.164) or alphanumeric sender; or set <see cref="MessagingServiceSid"/>.</summary>
    public string? From { get; set; }

    public string? MessagingServiceSid { get; set; }

    /// <summary>
    /// The public URL of this provider's status webhook (<c>…/api/webhooks/communication/twilio/{name}</c>) as Twilio reaches it,
    /// sent as <c>StatusCallback</c> and used to check the callbacks' signatures. Without it no callbacks are requested.
    /// </summary>
    public Uri? StatusCallbackUrl { get; set; }

    public override IEnumerable<string> Validate()
    {
        foreach (var error in base.Validate().Concat(Required((nameof(AccountSid), AccountSid), (nameof(AuthToken), AuthToken))))
        {
            yield return error;
        }

        if (string.IsNullOrWhiteSpace(From) && string.IsNullOrWhiteSpace(MessagingServiceSid))
        {
            yield return $"{nameof(From)} or {nameof(MessagingServiceSid)} is required";
        }

        if (StatusCallbackUrl is { IsAbsoluteUri: false })
        {
            yield return $"{nameof(StatusCallbackUrl)} must be an absolute URL";
        }
    }
}
