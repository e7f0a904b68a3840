using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Webhooks;
using MedicalHub.Communication.Tests.Providers;

namespace MedicalHub.Communication.Tests.Webhooks;

public sealed class SendGridWebhookTests
{
    // SendGrid's own published test vector for the signed Event Webhook.
    private const string PublishedKey = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
    private const string PublishedPayload = """{"category":"example_payload","event":"test_event","message_id":"message_id"}""";
    private const string PublishedSignature = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";
    private const string PublishedTimestamp = "1588788367";
    private static readonly DateTimeOffset PublishedAt = DateTimeOffset.FromUnixTimeSeconds(1588788367);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(10);

    [Fact]
    public void SendGrid_s_published_signature_verifies()
    {
        Assert.True(SendGridEventWebhook.IsAuthentic(PublishedKey, PublishedSignature, PublishedTimestamp, Encoding.UTF8.GetBytes(PublishedPayload), PublishedAt.AddSeconds(30), Tolerance));
    }

    [Fact]
    public void A_tampered_payload_or_timestamp_does_not_verify()
    {
        Assert.False(SendGridEventWebhook.IsAuthentic(PublishedKey, PublishedSignature, PublishedTimestamp,
            Encoding.UTF8.GetBytes(PublishedPayload.Replace("test_event", "delivered", StringComparison.Ordinal)), PublishedAt, Tolerance));
        Assert.False(SendGridEventWebhook.IsAuthentic(PublishedKey, PublishedSignature, "1588788368", Encoding.UTF8.GetBytes(PublishedPayload), PublishedAt, Tolerance));
    }

    [Fact]
    public void A_stale_timestamp_does_not_verify_even_with_a_valid_signature()
    {
        Assert.False(SendGridEventWebhook.IsAuthentic(PublishedKey, PublishedSignature, PublishedTimestamp, Encoding.UTF8.GetBytes(PublishedPayload), PublishedAt.AddMinutes(11), Tolerance));
    }

    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private sealed class SignedSender : IDisposable
    {
        public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public string PublicKey => Convert.ToBase64String(Key.ExportSubjectPublicKeyInfo());

        public HttpRequestMessage Request(string path, string body, DateTimeOffset signedAt, string? bodySent = null)
        {
            var timestamp = signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var signature = Key.SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(bodySent ?? body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", Convert.ToBase64String(signature));
            request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", timestamp);
            return request;
        }

        public void Dispose() => Key.Dispose();
    }

    private const string Events = """
        [
          {"email":"patient@example.org","event":"processed","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0","timestamp":1795521500},
          {"email":"patient@example.org","event":"delivered","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0","timestamp":1795521600,"notification_id":"0f5d8a2e-3c41-4b7a-9e52-1d2c3b4a5f60"},
          {"email":"gone@example.org","event":"bounce","type":"bounce","reason":"550 5.1.1 user unknown","sg_message_id":"Zx9.filter0002","timestamp":1795521700},
          {"email":"bad@example.org","event":"dropped","reason":"Invalid","sg_message_id":"Dr0p.filter0003","timestamp":1795521800}
        ]
        """;

    private static Dictionary<string, string?> Settings(string publicKey) => new()
    {
        ["MedicalHub:Communication:Providers:sendgrid-main:Type"] = "sendgrid",
        ["MedicalHub:Communication:Providers:sendgrid-main:ApiKey"] = "k",
        ["MedicalHub:Communication:Providers:sendgrid-main:FromEmail"] = "a@b.test",
        ["MedicalHub:Communication:Providers:sendgrid-main:WebhookPublicKey"] = publicKey,
    };

    [Fact]
    public async Task Signed_events_reach_the_sink_as_delivered_bounced_and_failed_with_the_send_s_message_id()
    {
        using var sender = new SignedSender();
        await using var host = await WebhookHost.StartAsync(Settings(sender.PublicKey), new FixedTimeProvider(Now));

        using var response = await host.Client.SendAsync(sender.Request("/api/webhooks/communication/sendgrid/sendgrid-main", Events, Now.AddSeconds(-5)), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
        [
            new ProviderStatusEvent("sendgrid-main", "14c5d75ce93", ProviderStatus.Delivered, DateTimeOffset.FromUnixTimeSeconds(1795521600), null),
            new ProviderStatusEvent("sendgrid-main", "Zx9", ProviderStatus.Bounced, DateTimeOffset.FromUnixTimeSeconds(1795521700), "bounce: 550 5.1.1 user unknown"),
            new ProviderStatusEvent("sendgrid-main", "Dr0p", ProviderStatus.Failed, DateTimeOffset.FromUnixTimeSeconds(1795521800), "Invalid"),
        ], host.Sink.Events);
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_refused_with_401_and_records_nothing()
    {
        using var sender = new SignedSender();
        await using var host = await WebhookHost.StartAsync(Settings(sender.PublicKey), new FixedTimeProvider(Now));

        var tampered = Events.Replace("\"bounce\"", "\"delivered\"", StringComparison.Ordinal);
        using var response = await host.Client.SendAsync(sender.Request("/api/webhooks/communication/sendgrid/sendgrid-main", Events, Now, bodySent: tampered), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(host.Sink.Events);
    }

    [Fact]
    public async Task A_replayed_old_delivery_is_refused_with_401()
    {
        using var sender = new SignedSender();
        await using var host = await WebhookHost.StartAsync(Settings(sender.PublicKey), new FixedTimeProvider(Now));

        using var response = await host.Client.SendAsync(sender.Request("/api/webhooks/communication/sendgrid/sendgrid-main", Events, Now.AddHours(-1)), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(host.Sink.Events);
    }

    [Fact]
    public async Task Another_key_s_signature_is_refused_and_an_unknown_provider_is_not_found()
    {
        using var sender = new SignedSender();
        using var impostor = new SignedSender();
        await using var host = await WebhookHost.StartAsync(Settings(sender.PublicKey), new FixedTimeProvider(Now));

        using var forged = await host.Client.SendAsync(impostor.Request("/api/webhooks/communication/sendgrid/sendgrid-main", Events, Now), TestContext.Current.CancellationToken);
        using var unknown = await host.Client.SendAsync(sender.Request("/api/webhooks/communication/sendgrid/other", Events, Now), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Empty(host.Sink.Events);
    }

    [Fact]
    public async Task A_signed_body_that_is_not_an_event_array_is_a_400_problem()
    {
        using var sender = new SignedSender();
        await using var host = await WebhookHost.StartAsync(Settings(sender.PublicKey), new FixedTimeProvider(Now));

        using var response = await host.Client.SendAsync(sender.Request("/api/webhooks/communication/sendgrid/sendgrid-main", """{"event":"delivered"}""", Now), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(host.Sink.Events);
    }
}
