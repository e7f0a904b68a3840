using System.Globalization;
using MedicalHub.Communication.Api.Delivery;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace MedicalHub.Communication.Tests.Providers;

/// <summary>
/// Every provider classifies failures the same way: 408, 429, 5xx, timeouts and unreachable hosts are transient (with
/// the provider's Retry-After), other 4xx permanent, and each is one call to the provider, never repeated underneath.
/// </summary>
public sealed class FailureClassificationTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private readonly ProviderFake _fake = new();

    public void Dispose() => _fake.Dispose();

    public static TheoryData<string> Providers => ["sendgrid", "mailgun", "twilio", "ovh", "fcm"];

    private static Dictionary<string, string?> Settings(string type, string baseUrl, TimeSpan timeout)
    {
        var prefix = $"MedicalHub:Communication:Providers:{type}-under-test:";
        var settings = new Dictionary<string, string?>
        {
            [prefix + "Type"] = type,
            [prefix + "BaseUrl"] = baseUrl,
            [prefix + "Timeout"] = timeout.ToString("c", CultureInfo.InvariantCulture),
        };
        var specific = type switch
        {
            "sendgrid" => new Dictionary<string, string?> { ["ApiKey"] = "k", ["FromEmail"] = "a@b.test" },
            "mailgun" => new Dictionary<string, string?> { ["ApiKey"] = "k", ["Domain"] = "mg.test", ["FromEmail"] = "a@mg.test" },
            "twilio" => new Dictionary<string, string?> { ["AccountSid"] = "AC1", ["AuthToken"] = "t", ["From"] = "+15005550006" },
            "ovh" => new Dictionary<string, string?> { ["BaseUrl"] = baseUrl + "/1.0/", ["ApplicationKey"] = "ak", ["ApplicationSecret"] = "as", ["ConsumerKey"] = "ck", ["ServiceName"] = "sms-1" },
            "fcm" => new Dictionary<string, string?>
            {
                ["ProjectId"] = "p1",
                ["ClientEmail"] = "push@p1.iam.gserviceaccount.com",
                ["PrivateKey"] = ProviderFake.ServiceAccountKey.Value.ExportPkcs8PrivateKeyPem(),
                ["TokenUri"] = baseUrl + "/token",
            },
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        foreach (var (key, value) in specific)
        {
            settings[prefix + key] = value;
        }

        return settings;
    }

    private static string SendPath(string type) => type switch
    {
        "sendgrid" => "/v3/mail/send",
        "mailgun" => "/v3/mg.test/messages",
        "twilio" => "/2010-04-01/Accounts/AC1/Messages.json",
        "ovh" => "/1.0/sms/sms-1/jobs",
        _ => "/v1/projects/p1/messages:send",
    };

    private static OutboundMessage Message(string type) => type switch
    {
        "sendgrid" or "mailgun" => ProviderFake.Email(),
        "fcm" => ProviderFake.Push(),
        _ => ProviderFake.Sms(),
    };

    private async Task<DeliveryResult> SendAsync(string type, WireMock.ResponseBuilders.IResponseBuilder response, string? baseUrl = null, TimeSpan? timeout = null)
    {
        _fake.Server.Given(Request.Create().WithPath("/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"access_token":"t","expires_in":3600}"""));
        _fake.Server.Given(Request.Create().WithPath("/1.0/auth/time").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        _fake.Server.Given(Request.Create().WithPath(SendPath(type)).UsingPost()).RespondWith(response);
        await using var services = ProviderFake.BuildServices(Settings(type, baseUrl ?? _fake.BaseUrl, timeout ?? TimeSpan.FromSeconds(30)), new FixedTimeProvider(Now));
        return await ProviderFake.Provider(services, $"{type}-under-test").SendAsync(Message(type), TestContext.Current.CancellationToken);
    }

    private int SendCalls(string type) => _fake.Requests.Count(entry => entry.Path == SendPath(type));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_server_error_is_transient_and_not_retried_underneath(string type)
    {
        var result = await SendAsync(type, Response.Create().WithStatusCode(500).WithBody("upstream exploded"));

        Assert.Equal(DeliveryOutcome.TransientFailure, result.Outcome);
        Assert.Contains("500", result.Error, StringComparison.Ordinal);
        Assert.Null(result.RetryAfter);
        Assert.Equal(1, SendCalls(type));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Too_many_requests_is_transient_with_the_retry_after_seconds(string type)
    {
        var result = await SendAsync(type, Response.Create().WithStatusCode(429).WithHeader("Retry-After", "120"));

        Assert.Equal(DeliveryOutcome.TransientFailure, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(120), result.RetryAfter);
        Assert.Equal(1, SendCalls(type));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_retry_after_date_becomes_the_wait_until_that_date(string type)
    {
        var result = await SendAsync(type, Response.Create().WithStatusCode(503).WithHeader("Retry-After", Now.AddMinutes(3).ToString("R", CultureInfo.InvariantCulture)));

        Assert.Equal(DeliveryOutcome.TransientFailure, result.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(3), result.RetryAfter);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_request_timeout_status_is_transient(string type)
    {
        var result = await SendAsync(type, Response.Create().WithStatusCode(408));

        Assert.Equal(DeliveryOutcome.TransientFailure, result.Outcome);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_provider_that_does_not_answer_in_time_is_transient(string type)
    {
        var result = await SendAsync(type, Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(8)), timeout: TimeSpan.FromSeconds(2));

        Assert.Equal(DeliveryOutcome.TransientFailure, result.Outcome);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_unreachable_provider_is_transient(string type)
    {
        var result = await SendAsync(type, Response.Create().WithStatusCode(200), baseUrl: "http://127.0.0.1:1");

        Assert.Equal(DeliveryOutcome.TransientFailure, result.Outcome);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_bad_request_is_permanent_and_keeps_the_provider_s_reason(string type)
    {
        var result = await SendAsync(type, Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
            .WithBody("""{"message":"The 'To' address is not valid"}"""));

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Contains("The 'To' address is not valid", result.Error, StringComparison.Ordinal);
        Assert.Equal(1, SendCalls(type));
    }
}
