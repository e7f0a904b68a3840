using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Webhooks;
using MedicalHub.Communication.Tests.Providers;

namespace MedicalHub.Communication.Tests.Webhooks;

public sealed class MailgunWebhookTests
{
    private const string SigningKey = "mailgun-webhook-signing-key";
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static string Sign(string timestamp, string token, string key = SigningKey) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(timestamp + token)));

    [Fact]
    public void The_signature_is_the_hmac_of_timestamp_and_token_within_the_tolerance()
    {
        var timestamp = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        const string token = "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0";
        var signature = Sign(timestamp, token);
        var tolerance = TimeSpan.FromMinutes(10);

        Assert.True(MailgunEventWebhook.IsAuthentic(SigningKey, timestamp, token, signature, Now.AddMinutes(1), tolerance));
        Assert.False(MailgunEventWebhook.IsAuthentic(SigningKey, timestamp, token + "x", signature, Now, tolerance));
        Assert.False(MailgunEventWebhook.IsAuthentic("another-key", timestamp, token, signature, Now, tolerance));
        Assert.False(MailgunEventWebhook.IsAuthentic(SigningKey, timestamp, token, signature, Now.AddMinutes(11), tolerance));
        Assert.False(MailgunEventWebhook.IsAuthentic(SigningKey, timestamp, token, "not-hex", Now, tolerance));
    }

    private static Dictionary<string, string?> Settings() => new()
    {
        ["MedicalHub:Communication:Providers:mailgun-eu:Type"] = "mailgun",
        ["MedicalHub:Communication:Providers:mailgun-eu:ApiKey"] = "k",
        ["MedicalHub:Communication:Providers:mailgun-eu:Domain"] = "mg.medicalhub.test",
        ["MedicalHub:Communication:Providers:mailgun-eu:FromEmail"] = "a@mg.medicalhub.test",
        ["MedicalHub:Communication:Providers:mailgun-eu:WebhookSigningKey"] = SigningKey,
    };

    private static string Body(string eventData, DateTimeOffset signedAt, string? signature = null)
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        const string token = "5f1e0d2c3b4a59687766554433221100ffeeddccbbaa99";
        return $$"""
            {"signature":{"timestamp":"{{timestamp}}","token":"{{token}}","signature":"{{signature ?? Sign(timestamp, token)}}"},
             "event-data":{{eventData}}}
            """;
    }

    private const string PermanentFailure = """
        {"event":"failed","severity":"permanent","reason":"bounce","timestamp":1795521600.25,"id":"Ase7i2zsRYeDXztHGENqRA",
         "delivery-status":{"code":550,"message":"5.1.1 The email account that you tried to reach does not exist","description":"Not delivering to previously bounced address"},
         "message":{"headers":{"message-id":"20261124.1234.5678@mg.medicalhub.test","to":"gone@example.org"}},
         "user-variables":{"notification_id":"0f5d8a2e-3c41-4b7a-9e52-1d2c3b4a5f60"}}
        """;

    [Fact]
    public async Task A_signed_permanent_failure_is_recorded_as_bounced_under_the_send_s_message_id()
    {
        await using var host = await WebhookHost.StartAsync(Settings(), new FixedTimeProvider(Now));

        using var response = await host.Client.PostAsync("/api/webhooks/communication/mailgun/mailgun-eu",
            new StringContent(Body(PermanentFailure, Now), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            new ProviderStatusEvent("mailgun-eu", "20261124.1234.5678@mg.medicalhub.test", ProviderStatus.Bounced,
                DateTimeOffset.FromUnixTimeMilliseconds(1_795_521_600_250), "Not delivering to previously bounced address"),
            Assert.Single(host.Sink.Events));
    }

    [Fact]
    public async Task A_temporary_failure_is_accepted_but_changes_nothing_while_mailgun_retries()
    {
        await using var host = await WebhookHost.StartAsync(Settings(), new FixedTimeProvider(Now));
        var temporary = PermanentFailure.Replace("\"permanent\"", "\"temporary\"", StringComparison.Ordinal);

        using var response = await host.Client.PostAsync("/api/webhooks/communication/mailgun/mailgun-eu",
            new StringContent(Body(temporary, Now), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(host.Sink.Events);
    }

    [Fact]
    public async Task A_forged_stale_or_unsigned_event_is_refused_with_401()
    {
        await using var host = await WebhookHost.StartAsync(Settings(), new FixedTimeProvider(Now));

        using var forged = await host.Client.PostAsync("/api/webhooks/communication/mailgun/mailgun-eu",
            new StringContent(Body(PermanentFailure, Now, signature: new string('0', 64)), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        using var stale = await host.Client.PostAsync("/api/webhooks/communication/mailgun/mailgun-eu",
            new StringContent(Body(PermanentFailure, Now.AddHours(-2)), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        using var unsigned = await host.Client.PostAsync("/api/webhooks/communication/mailgun/mailgun-eu",
            new StringContent($$"""{"event-data":{{PermanentFailure}}}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Empty(host.Sink.Events);
    }
}
