using System.Text;
using MedicalHub.Communication.Api.Delivery;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace MedicalHub.Communication.Tests.Providers;

public sealed class MailgunProviderTests : IDisposable
{
    private readonly ProviderFake _fake = new();

    public void Dispose() => _fake.Dispose();

    [Fact]
    public async Task Messages_post_uses_basic_api_auth_form_fields_h_headers_and_v_variables_and_returns_the_bare_message_id()
    {
        _fake.Server.Given(Request.Create().WithPath("/v3/mg.medicalhub.test/messages").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"id":"<20261124.1234.5678@mg.medicalhub.test>","message":"Queued. Thank you."}"""));
        await using var services = ProviderFake.BuildServices(new Dictionary<string, string?>
        {
            ["MedicalHub:Communication:Providers:mailgun-eu:Type"] = "mailgun",
            ["MedicalHub:Communication:Providers:mailgun-eu:BaseUrl"] = _fake.BaseUrl,
            ["MedicalHub:Communication:Providers:mailgun-eu:ApiKey"] = "key-test-123",
            ["MedicalHub:Communication:Providers:mailgun-eu:Domain"] = "mg.medicalhub.test",
            ["MedicalHub:Communication:Providers:mailgun-eu:FromEmail"] = "no-reply@mg.medicalhub.test",
            ["MedicalHub:Communication:Providers:mailgun-eu:FromName"] = "MedicalHub",
        });
        var headers = new Dictionary<string, string> { ["List-Unsubscribe"] = "<https://hub.example.org/unsubscribe/abc>" };

        var result = await ProviderFake.Provider(services, "mailgun-eu").SendAsync(ProviderFake.Email(headers), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryResult.Sent("20261124.1234.5678@mg.medicalhub.test"), result);
        var request = Assert.Single(_fake.Requests);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("api:key-test-123")), ProviderFake.Header(request, "Authorization"));
        Assert.StartsWith("application/x-www-form-urlencoded", ProviderFake.Header(request, "Content-Type"), StringComparison.Ordinal);
        var form = ProviderFake.Form(request);
        Assert.Equal("\"MedicalHub\" <no-reply@mg.medicalhub.test>", form["from"]);
        Assert.Equal("patient@example.org", form["to"]);
        Assert.Equal("Your appointment on Monday", form["subject"]);
        Assert.Equal("See you at 9:00.", form["text"]);
        Assert.Equal("<p>See you at <b>9:00</b>.</p>", form["html"]);
        Assert.Equal("<https://hub.example.org/unsubscribe/abc>", form["h:List-Unsubscribe"]);
        Assert.Equal(ProviderFake.NotificationId.ToString(), form["v:notification_id"]);
        Assert.Equal(ProviderFake.AttemptId.ToString(), form["v:attempt_id"]);
    }
}
