namespace MedicalHub.Communication.Api.Providers.Ovh;

public sealed class OvhOptions : ProviderOptions
{
    /// <summary>OVH Europe by default; <c>https://ca.api.ovh.com/1.0/</c> for OVH Canada.</summary>
    public override Uri BaseUrl { get; set; } = new("https://eu.api.ovh.com/1.0/");

    /// <summary>The application key (AK), sent as <c>X-Ovh-Application</c>.</summary>
    public string ApplicationKey { get; set; } = "";

    /// <summary>The application secret (AS, secret): it only enters the signature.</summary>
    public string ApplicationSecret { get; set; } = "";

    /// <summary>The consumer key (CK, secret) granted <c>POST /sms/*</c>.</summary>
    public string ConsumerKey { get; set; } = "";

    /// <summary>The SMS account, as in <c>/sms/{serviceName}/jobs</c> (e.g. <c>sms-ab12345-1</c>).</summary>
    public string ServiceName { get; set; } = "";

    /// <summary>A sender registered on the account; without it OVH sends from a short number that accepts replies.</summary>
    public string? Sender { get; set; }

    /// <summary>Transactional messages (ours) may omit the STOP clause that commercial SMS must carry.</summary>
    public bool NoStopClause { get; set; } = true;

    /// <summary>How long the measured difference between OVH's clock and ours is trusted.</summary>
    public TimeSpan ClockRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    public override IEnumerable<string> Validate() =>
        base.Validate().Concat(Required(
            (nameof(ApplicationKey), ApplicationKey),
            (nameof(ApplicationSecret), ApplicationSecret),
            (nameof(ConsumerKey), ConsumerKey),
            (nameof(ServiceName), ServiceName)));
}
