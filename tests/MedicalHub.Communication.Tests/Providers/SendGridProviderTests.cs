using System.Text.Json;
using MedicalHub.Communication.Api.Delivery;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace MedicalHub.Communication.Tests.Providers;

public sealed class SendGridProviderTests : IDisposable
{
    private readonly ProviderFake _fake = new();

    public void Dispose() => _fake.Dispose();

    private Dictionary<string, string?> Settings() => new()
    {
        ["MedicalHub:Communication:Providers:sendgrid-main:Type"] = "sendgrid",
        ["MedicalHub:Communication:Providers:sendgrid-main:BaseUrl"] = _fake.BaseUrl,
        ["MedicalHub:Communication:Providers:sendgrid-main:ApiKey"] = "SG.test-api-key",
        ["MedicalHub:Communication:Providers:sendgrid-main:FromEmail"] = "no-reply@medicalhub.test",
        ["MedicalHub:Communication:Providers:sendgrid-main:FromName"] = "MedicalHub",
    };

    [Fact]
    public async Task Mail_send_carries_the_api_key_the_addresses_both_bodies_the_unsubscribe_headers_and_our_ids()
    {
        _fake.Server.Given(Request.Create().WithPath("/v3/mail/send").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("X-Message-Id", "14c5d75ce93.dfd.64b469"));
        await using var services = ProviderFake.BuildServices(Settings());
        var headers = new Dictionary<string, string>
        {
            ["List-Unsubscribe"] = "<https://hub.example.org/unsubscribe/abc>",
            ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
        };

        var result = await ProviderFake.Provider(services, "sendgrid-main").SendAsync(ProviderFake.Email(headers), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryResult.Sent("14c5d75ce93.dfd.64b469"), result);
        var request = Assert.Single(_fake.Requests);
        Assert.Equal("/v3/mail/send", request.Path);
        Assert.Equal("Bearer SG.test-api-key", ProviderFake.Header(request, "Authorization"));
        Assert.StartsWith("application/json", ProviderFake.Header(request, "Content-Type"), StringComparison.Ordinal);
        using var body = JsonDocument.Parse(ProviderFake.Body(request));
        var mail = body.RootElement;
        Assert.Equal("patient@example.org", mail.GetProperty("personalizations")[0].GetProperty("to")[0].GetProperty("email").GetString());
        Assert.Equal("no-reply@medicalhub.test", mail.GetProperty("from").GetProperty("email").GetString());
        Assert.Equal("MedicalHub", mail.GetProperty("from").GetProperty("name").GetString());
        Assert.Equal("Your appointment on Monday", mail.GetProperty("subject").GetString());
        var content = mail.GetProperty("content");
        Assert.Equal(2, content.GetArrayLength());
        Assert.Equal("text/plain", content[0].GetProperty("type").GetString());
        Assert.Equal("See you at 9:00.", content[0].GetProperty("value").GetString());
        Assert.Equal("text/html", content[1].GetProperty("type").GetString());
        Assert.Equal("<p>See you at <b>9:00</b>.</p>", content[1].GetProperty("value").GetString());
        Assert.Equal("<https://hub.example.org/unsubscribe/abc>", mail.GetProperty("headers").GetProperty("List-Unsubscribe").GetString());
        Assert.Equal("List-Unsubscribe=One-Click", mail.GetProperty("headers").GetProperty("List-Unsubscribe-Post").GetString());
        Assert.Equal(ProviderFake.NotificationId.ToString(), mail.GetProperty("custom_args").GetProperty("notification_id").GetString());
        Assert.Equal(ProviderFake.AttemptId.ToString(), mail.GetProperty("custom_args").GetProperty("attempt_id").GetString());
    }

    [Fact]
    public async Task A_message_without_headers_sends_no_headers_object()
    {
        _fake.Server.Given(Request.Create().WithPath("/v3/mail/send").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("X-Message-Id", "id-1"));
        await using var services = ProviderFake.BuildServices(Settings());

        await ProviderFake.Provider(services, "sendgrid-main").SendAsync(ProviderFake.Email(), TestContext.Current.CancellationToken);

        using var body = JsonDocument.Parse(ProviderFake.Body(Assert.Single(_fake.Requests)));
        Assert.False(body.RootElement.TryGetProperty("headers", out _));
    }
}
