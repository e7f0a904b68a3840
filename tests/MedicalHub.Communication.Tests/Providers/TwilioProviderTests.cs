using System.Text;
using MedicalHub.Communication.Api.Delivery;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace MedicalHub.Communication.Tests.Providers;

public sealed class TwilioProviderTests : IDisposable
{
    private const string AccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private readonly ProviderFake _fake = new();

    public void Dispose() => _fake.Dispose();

    private Dictionary<string, string?> Settings(string sender, string value) => new()
    {
        ["MedicalHub:Communication:Providers:twilio-main:Type"] = "twilio",
        ["MedicalHub:Communication:Providers:twilio-main:BaseUrl"] = _fake.BaseUrl,
        ["MedicalHub:Communication:Providers:twilio-main:AccountSid"] = AccountSid,
        ["MedicalHub:Communication:Providers:twilio-main:AuthToken"] = "twilio-auth-token",
        [$"MedicalHub:Communication:Providers:twilio-main:{sender}"] = value,
        ["MedicalHub:Communication:Providers:twilio-main:StatusCallbackUrl"] = "https://hub.example.org/api/webhooks/communication/twilio/twilio-main",
    };

    private void AcceptMessages() =>
        _fake.Server.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{AccountSid}/Messages.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}"""));

    [Fact]
    public async Task Messages_post_uses_basic_sid_token_auth_and_the_to_from_body_and_status_callback_fields()
    {
        AcceptMessages();
        await using var services = ProviderFake.BuildServices(Settings("From", "+15005550006"));

        var result = await ProviderFake.Provider(services, "twilio-main").SendAsync(ProviderFake.Sms(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryResult.Sent("SM0123456789abcdef0123456789abcdef"), result);
        var request = Assert.Single(_fake.Requests);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:twilio-auth-token")), ProviderFake.Header(request, "Authorization"));
        var form = ProviderFake.Form(request);
        Assert.Equal(new Dictionary<string, string>
        {
            ["To"] = "+33612345678",
            ["From"] = "+15005550006",
            ["Body"] = "Rendez-vous lundi à 9h00.",
            ["StatusCallback"] = "https://hub.example.org/api/webhooks/communication/twilio/twilio-main",
        }, form);
    }

    [Fact]
    public async Task A_messaging_service_replaces_the_from_number()
    {
        AcceptMessages();
        await using var services = ProviderFake.BuildServices(Settings("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef"));

        await ProviderFake.Provider(services, "twilio-main").SendAsync(ProviderFake.Sms(), TestContext.Current.CancellationToken);

        var form = ProviderFake.Form(Assert.Single(_fake.Requests));
        Assert.Equal("MG0123456789abcdef0123456789abcdef", form["MessagingServiceSid"]);
        Assert.False(form.ContainsKey("From"));
    }
}
