using MedicalHub.Communication.Api.Delivery;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalHub.Communication.Tests.Providers;

public sealed class ProviderRegistrationTests
{
    [Fact]
    public void Each_configured_entry_becomes_a_provider_with_its_name_and_channel_and_smtp_entries_are_left_to_the_engine()
    {
        using var services = ProviderFake.BuildServices(new Dictionary<string, string?>
        {
            ["MedicalHub:Communication:Providers:mail-primary:Type"] = "SendGrid",
            ["MedicalHub:Communication:Providers:mail-primary:ApiKey"] = "k",
            ["MedicalHub:Communication:Providers:mail-primary:FromEmail"] = "a@b.test",
            ["MedicalHub:Communication:Providers:sms-fallback:Type"] = "ovh",
            ["MedicalHub:Communication:Providers:sms-fallback:ApplicationKey"] = "ak",
            ["MedicalHub:Communication:Providers:sms-fallback:ApplicationSecret"] = "as",
            ["MedicalHub:Communication:Providers:sms-fallback:ConsumerKey"] = "ck",
            ["MedicalHub:Communication:Providers:sms-fallback:ServiceName"] = "sms-1",
            ["MedicalHub:Communication:Providers:local-mail:Type"] = "smtp",
        });

        var providers = services.GetServices<IDeliveryProvider>().OrderBy(provider => provider.Name, StringComparer.Ordinal).ToList();

        Assert.Equal(["mail-primary", "sms-fallback"], providers.Select(provider => provider.Name));
        Assert.Equal([Channel.Email, Channel.Sms], providers.Select(provider => provider.Channel));
    }

    [Fact]
    public void A_configured_provider_without_its_secret_stops_the_start_naming_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ProviderFake.BuildServices(new Dictionary<string, string?>
        {
            ["MedicalHub:Communication:Providers:twilio-main:Type"] = "twilio",
            ["MedicalHub:Communication:Providers:twilio-main:AccountSid"] = "AC1",
            ["MedicalHub:Communication:Providers:twilio-main:From"] = "+15005550006",
        }));

        Assert.Contains("MedicalHub:Communication:Providers:twilio-main:AuthToken is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_provider_type_stops_the_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ProviderFake.BuildServices(new Dictionary<string, string?>
        {
            ["MedicalHub:Communication:Providers:pigeon:Type"] = "carrier-pigeon",
        }));

        Assert.Contains("'carrier-pigeon' is not a known provider type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_configured_provider_is_not_an_error()
    {
        using var services = ProviderFake.BuildServices(new Dictionary<string, string?>());

        Assert.Empty(services.GetServices<IDeliveryProvider>());
    }

    [Fact]
    public void A_service_account_key_that_is_not_a_pem_rsa_key_stops_the_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ProviderFake.BuildServices(new Dictionary<string, string?>
        {
            ["MedicalHub:Communication:Providers:fcm:Type"] = "fcm",
            ["MedicalHub:Communication:Providers:fcm:ProjectId"] = "p1",
            ["MedicalHub:Communication:Providers:fcm:ClientEmail"] = "push@p1.iam.gserviceaccount.com",
            ["MedicalHub:Communication:Providers:fcm:PrivateKey"] = "not a key",
        }));

        Assert.Contains("MedicalHub:Communication:Providers:fcm:PrivateKey is not an RSA private key in PEM", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://eu.api.ovh.com/1.0")]
    [InlineData("https://eu.api.ovh.com/1.0/")]
    public void Endpoints_keep_the_base_url_s_path_with_or_without_a_trailing_slash(string baseUrl)
    {
        var options = new MedicalHub.Communication.Api.Providers.Ovh.OvhOptions { BaseUrl = new Uri(baseUrl) };

        Assert.Equal("https://eu.api.ovh.com/1.0/sms/sms-1/jobs", options.Endpoint("sms/sms-1/jobs").AbsoluteUri);
    }
}
