using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MedicalHub.Communication.Api.Delivery;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace MedicalHub.Communication.Tests.Providers;

public sealed class OvhSmsProviderTests : IDisposable
{
    private static readonly DateTimeOffset LocalNow = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000);
    private readonly ProviderFake _fake = new();

    public void Dispose() => _fake.Dispose();

    private Dictionary<string, string?> Settings() => new()
    {
        ["MedicalHub:Communication:Providers:ovh-sms:Type"] = "ovh",
        ["MedicalHub:Communication:Providers:ovh-sms:BaseUrl"] = _fake.BaseUrl + "/1.0/",
        ["MedicalHub:Communication:Providers:ovh-sms:ApplicationKey"] = "ovh-app-key",
        ["MedicalHub:Communication:Providers:ovh-sms:ApplicationSecret"] = "ovh-app-secret",
        ["MedicalHub:Communication:Providers:ovh-sms:ConsumerKey"] = "ovh-consumer-key",
        ["MedicalHub:Communication:Providers:ovh-sms:ServiceName"] = "sms-ab12345-1",
        ["MedicalHub:Communication:Providers:ovh-sms:Sender"] = "MedicalHub",
    };

    private void OvhClockAheadBy(int seconds) =>
        _fake.Server.Given(Request.Create().WithPath("/1.0/auth/time").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody((LocalNow.ToUnixTimeSeconds() + seconds).ToString(CultureInfo.InvariantCulture)));

    private void AcceptJobs() =>
        _fake.Server.Given(Request.Create().WithPath("/1.0/sms/sms-ab12345-1/jobs").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ids":[123456789],"invalidReceivers":[],"totalCreditsRemoved":1,"validReceivers":["+33612345678"],"tag":"x"}"""));

    [Fact]
    public async Task Jobs_post_is_signed_with_the_secret_consumer_key_full_url_exact_body_and_ovh_s_clock()
    {
        OvhClockAheadBy(42);
        AcceptJobs();
        await using var services = ProviderFake.BuildServices(Settings(), new FixedTimeProvider(LocalNow));

        var result = await ProviderFake.Provider(services, "ovh-sms").SendAsync(ProviderFake.Sms(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryResult.Sent("123456789"), result);
        var request = _fake.Requests.Single(entry => entry.Method == "POST");
        Assert.Equal("/1.0/sms/sms-ab12345-1/jobs", request.Path);
        var timestamp = ProviderFake.Header(request, "X-Ovh-Timestamp");
        Assert.Equal((LocalNow.ToUnixTimeSeconds() + 42).ToString(CultureInfo.InvariantCulture), timestamp);
        Assert.Equal("ovh-app-key", ProviderFake.Header(request, "X-Ovh-Application"));
        Assert.Equal("ovh-consumer-key", ProviderFake.Header(request, "X-Ovh-Consumer"));
        var body = ProviderFake.Body(request);
        // Recomputed here from OVH's documented recipe, not with the service's signer.
        var toSign = $"ovh-app-secret+ovh-consumer-key+POST+{_fake.BaseUrl}/1.0/sms/sms-ab12345-1/jobs+{body}+{timestamp}";
#pragma warning disable CA5350
        var expected = "$1$" + Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(toSign)));
#pragma warning restore CA5350
        Assert.Equal(expected, ProviderFake.Header(request, "X-Ovh-Signature"));

        using var job = JsonDocument.Parse(body);
        Assert.Equal("Rendez-vous lundi à 9h00.", job.RootElement.GetProperty("message").GetString());
        Assert.Equal("+33612345678", Assert.Single(job.RootElement.GetProperty("receivers").EnumerateArray()).GetString());
        Assert.Equal("MedicalHub", job.RootElement.GetProperty("sender").GetString());
        Assert.False(job.RootElement.GetProperty("senderForResponse").GetBoolean());
        Assert.True(job.RootElement.GetProperty("noStopClause").GetBoolean());
    }

    [Fact]
    public async Task The_clock_difference_is_measured_once_and_reused()
    {
        OvhClockAheadBy(-7);
        AcceptJobs();
        await using var services = ProviderFake.BuildServices(Settings(), new FixedTimeProvider(LocalNow));
        var provider = ProviderFake.Provider(services, "ovh-sms");

        await provider.SendAsync(ProviderFake.Sms(), TestContext.Current.CancellationToken);
        await provider.SendAsync(ProviderFake.Sms(), TestContext.Current.CancellationToken);

        Assert.Single(_fake.Requests, entry => entry.Path == "/1.0/auth/time");
        Assert.All(_fake.Requests.Where(entry => entry.Method == "POST"),
            entry => Assert.Equal((LocalNow.ToUnixTimeSeconds() - 7).ToString(CultureInfo.InvariantCulture), ProviderFake.Header(entry, "X-Ovh-Timestamp")));
    }

    [Fact]
    public async Task A_report_with_only_invalid_receivers_is_a_permanent_failure()
    {
        OvhClockAheadBy(0);
        _fake.Server.Given(Request.Create().WithPath("/1.0/sms/sms-ab12345-1/jobs").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ids":[],"invalidReceivers":["+33612345678"],"totalCreditsRemoved":0,"validReceivers":[]}"""));
        await using var services = ProviderFake.BuildServices(Settings(), new FixedTimeProvider(LocalNow));

        var result = await ProviderFake.Provider(services, "ovh-sms").SendAsync(ProviderFake.Sms(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
        Assert.Contains("+33612345678", result.Error, StringComparison.Ordinal);
    }
}
