using System.Net;
using System.Security.Cryptography;
using System.Text;
using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Webhooks;
using MedicalHub.Communication.Tests.Providers;

namespace MedicalHub.Communication.Tests.Webhooks;

public sealed class TwilioWebhookTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Twilio_s_published_example_verifies_and_a_changed_parameter_does_not()
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("CallSid", "CA1234567890ABCDE"), new("Caller", "+14158675309"), new("Digits", "1234"), new("From", "+14158675309"), new("To", "+18005551212"),
        };
        var url = new Uri("https://mycompany.com/myapp.php?foo=1&bar=2");

        Assert.True(TwilioStatusCallback.IsAuthentic("12345", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", url, parameters));
        parameters[2] = new("Digits", "9999");
        Assert.False(TwilioStatusCallback.IsAuthentic("12345", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", url, parameters));
    }

    private static Dictionary<string, string?> Settings(string? statusCallbackUrl) => new()
    {
        ["MedicalHub:Communication:Providers:twilio-main:Type"] = "twilio",
        ["MedicalHub:Communication:Providers:twilio-main:AccountSid"] = "AC1",
        ["MedicalHub:Communication:Providers:twilio-main:AuthToken"] = "twilio-auth-token",
        ["MedicalHub:Communication:Providers:twilio-main:From"] = "+15005550006",
        ["MedicalHub:Communication:Providers:twilio-main:StatusCallbackUrl"] = statusCallbackUrl,
    };

    private static readonly Dictionary<string, string> Undelivered = new()
    {
        ["AccountSid"] = "AC1",
        ["MessageSid"] = "SM0123456789abcdef0123456789abcdef",
        ["SmsSid"] = "SM0123456789abcdef0123456789abcdef",
        ["MessageStatus"] = "undelivered",
        ["ErrorCode"] = "30003",
        ["To"] = "+33612345678",
        ["From"] = "+15005550006",
        ["ApiVersion"] = "2010-04-01",
    };

    /// <summary>Signed here from Twilio's documented recipe, independently of the service's code.</summary>
    private static HttpRequestMessage Signed(string path, string signedUrl, IReadOnlyDictionary<string, string> signedForm, IReadOnlyDictionary<string, string>? sentForm = null)
    {
        var data = signedUrl + string.Concat(signedForm.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));
#pragma warning disable CA5350
        var signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes("twilio-auth-token"), Encoding.UTF8.GetBytes(data)));
#pragma warning restore CA5350
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(sentForm ?? signedForm) };
        request.Headers.Add("X-Twilio-Signature", signature);
        return request;
    }

    [Fact]
    public async Task A_signed_callback_for_the_configured_public_url_records_the_status()
    {
        const string publicUrl = "https://hub.example.org/communication/api/webhooks/communication/twilio/twilio-main";
        await using var host = await WebhookHost.StartAsync(Settings(publicUrl), new FixedTimeProvider(Now));

        using var response = await host.Client.SendAsync(Signed("/api/webhooks/communication/twilio/twilio-main", publicUrl, Undelivered), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new ProviderStatusEvent("twilio-main", "SM0123456789abcdef0123456789abcdef", ProviderStatus.Bounced, Now, "Twilio error 30003"), Assert.Single(host.Sink.Events));
    }

    [Fact]
    public async Task Without_a_configured_url_the_request_s_own_url_is_what_is_signed()
    {
        await using var host = await WebhookHost.StartAsync(Settings(null), new FixedTimeProvider(Now));
        var delivered = new Dictionary<string, string>(Undelivered) { ["MessageStatus"] = "delivered" };
        delivered.Remove("ErrorCode");

        using var response = await host.Client.SendAsync(Signed("/api/webhooks/communication/twilio/twilio-main", "http://localhost/api/webhooks/communication/twilio/twilio-main", delivered), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ProviderStatus.Delivered, Assert.Single(host.Sink.Events).Status);
    }

    [Fact]
    public async Task A_status_changed_after_signing_or_an_unsigned_post_is_refused_with_401()
    {
        const string publicUrl = "https://hub.example.org/communication/api/webhooks/communication/twilio/twilio-main";
        await using var host = await WebhookHost.StartAsync(Settings(publicUrl), new FixedTimeProvider(Now));
        var tampered = new Dictionary<string, string>(Undelivered) { ["MessageStatus"] = "delivered" };

        using var changed = await host.Client.SendAsync(Signed("/api/webhooks/communication/twilio/twilio-main", publicUrl, Undelivered, sentForm: tampered), TestContext.Current.CancellationToken);
        using var unsigned = await host.Client.PostAsync("/api/webhooks/communication/twilio/twilio-main", new FormUrlEncodedContent(Undelivered), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, changed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Empty(host.Sink.Events);
    }
}
