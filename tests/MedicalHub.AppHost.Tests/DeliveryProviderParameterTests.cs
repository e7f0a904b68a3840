using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace MedicalHub.AppHost.Tests;

/// <summary>
/// The delivery providers a deployment declares in the AppHost's configuration reach the Communication service with
/// their secrets as secret Aspire parameters (manifest inputs), and with no secret value in any configuration file.
/// </summary>
public sealed class DeliveryProviderParameterTests
{
    private static (IDistributedApplicationBuilder Builder, IResourceBuilder<ProjectResource> Communication) Model(Dictionary<string, string?> configuration)
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.Combine(Path.GetTempPath(), "unused-manifest.json")]);
        foreach (var (key, value) in configuration)
        {
            builder.Configuration[key] = value;
        }
        return (builder, builder.AddProject<Projects.MedicalHub_Communication_Api>("communication"));
    }

    [Fact]
    public async Task A_declared_provider_gets_a_secret_parameter_per_secret_setting_and_its_other_settings_as_plain_configuration()
    {
        var (builder, communication) = Model(new()
        {
            ["MedicalHub:Communication:Providers:sendgrid-main:Type"] = "sendgrid",
            ["MedicalHub:Communication:Providers:sendgrid-main:FromEmail"] = "no-reply@example.org",
            ["MedicalHub:Communication:Providers:sendgrid-main:BaseUrl"] = "https://api.eu.sendgrid.com/",
            ["MedicalHub:Communication:Providers:twilio-main:Type"] = "twilio",
            ["MedicalHub:Communication:Providers:twilio-main:AccountSid"] = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ["MedicalHub:Communication:Providers:twilio-main:From"] = "+15005550006",
            ["MedicalHub:Communication:Providers:ovh-sms:Type"] = "ovh",
            ["MedicalHub:Communication:Routing:Sms:0"] = "twilio-main",
            ["MedicalHub:Communication:Routing:Sms:1"] = "ovh-sms",
        });

        communication.WithDeliveryProviders();

        var environment = await ServiceClientTests.EnvironmentAsync(builder, communication.Resource);
        Assert.Equal("{communication-sendgrid-main-api-key.value}", environment["MedicalHub__Communication__Providers__sendgrid-main__ApiKey"]);
        Assert.Equal("{communication-twilio-main-auth-token.value}", environment["MedicalHub__Communication__Providers__twilio-main__AuthToken"]);
        Assert.Equal("{communication-ovh-sms-application-secret.value}", environment["MedicalHub__Communication__Providers__ovh-sms__ApplicationSecret"]);
        Assert.Equal("{communication-ovh-sms-consumer-key.value}", environment["MedicalHub__Communication__Providers__ovh-sms__ConsumerKey"]);
        Assert.Equal("sendgrid", environment["MedicalHub__Communication__Providers__sendgrid-main__Type"]);
        Assert.Equal("no-reply@example.org", environment["MedicalHub__Communication__Providers__sendgrid-main__FromEmail"]);
        Assert.Equal("https://api.eu.sendgrid.com/", environment["MedicalHub__Communication__Providers__sendgrid-main__BaseUrl"]);
        Assert.Equal("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", environment["MedicalHub__Communication__Providers__twilio-main__AccountSid"]);
        Assert.Equal("ovh-sms", environment["MedicalHub__Communication__Routing__Sms__1"]);
        // Without Webhooks: true, no webhook secret is asked for.
        Assert.DoesNotContain("MedicalHub__Communication__Providers__sendgrid-main__WebhookPublicKey", environment.Keys);

        var parameters = builder.Resources.OfType<ParameterResource>().ToList();
        Assert.Equal(
            ["communication-ovh-sms-application-secret", "communication-ovh-sms-consumer-key", "communication-sendgrid-main-api-key", "communication-twilio-main-auth-token"],
            parameters.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(parameters, p => Assert.True(p.Secret, p.Name));
    }

    [Fact]
    public async Task Webhooks_add_the_webhook_secret_and_fcm_and_smtp_declare_the_secret_their_entry_uses()
    {
        var (builder, communication) = Model(new()
        {
            ["MedicalHub:Communication:Providers:mailgun-eu:Type"] = "mailgun",
            ["MedicalHub:Communication:Providers:mailgun-eu:Domain"] = "mg.example.org",
            ["MedicalHub:Communication:Providers:mailgun-eu:Webhooks"] = "true",
            ["MedicalHub:Communication:Providers:fcm:Type"] = "fcm",
            ["MedicalHub:Communication:Providers:fcm-keys:Type"] = "fcm",
            ["MedicalHub:Communication:Providers:fcm-keys:ProjectId"] = "medicalhub-prod",
            ["MedicalHub:Communication:Providers:fcm-keys:ClientEmail"] = "push@medicalhub-prod.iam.gserviceaccount.com",
            ["MedicalHub:Communication:Providers:relay:Type"] = "smtp",
            ["MedicalHub:Communication:Providers:mailbox:Type"] = "smtp",
            ["MedicalHub:Communication:Providers:mailbox:ConnectionStringName"] = "mail",
        });

        communication.WithDeliveryProviders();

        var environment = await ServiceClientTests.EnvironmentAsync(builder, communication.Resource);
        Assert.Equal("{communication-mailgun-eu-webhook-signing-key.value}", environment["MedicalHub__Communication__Providers__mailgun-eu__WebhookSigningKey"]);
        Assert.DoesNotContain("MedicalHub__Communication__Providers__mailgun-eu__Webhooks", environment.Keys); // the AppHost's own switch
        Assert.Equal("{communication-fcm-service-account-json.value}", environment["MedicalHub__Communication__Providers__fcm__ServiceAccountJson"]);
        Assert.Equal("{communication-fcm-keys-private-key.value}", environment["MedicalHub__Communication__Providers__fcm-keys__PrivateKey"]);
        Assert.DoesNotContain("MedicalHub__Communication__Providers__fcm-keys__ServiceAccountJson", environment.Keys);
        Assert.Equal("{communication-relay-connection-string.value}", environment["MedicalHub__Communication__Providers__relay__ConnectionString"]);
        Assert.DoesNotContain("MedicalHub__Communication__Providers__mailbox__ConnectionString", environment.Keys);
        Assert.Equal(
            ["communication-fcm-keys-private-key", "communication-fcm-service-account-json", "communication-mailgun-eu-api-key",
             "communication-mailgun-eu-webhook-signing-key", "communication-relay-connection-string"],
            builder.Resources.OfType<ParameterResource>().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_secret_given_a_value_in_the_configuration_stops_the_AppHost_naming_the_parameter_to_use()
    {
        var (_, communication) = Model(new()
        {
            ["MedicalHub:Communication:Providers:sendgrid-main:Type"] = "sendgrid",
            ["MedicalHub:Communication:Providers:sendgrid-main:ApiKey"] = "SG.not-a-real-key",
        });

        var refused = Assert.Throws<DistributedApplicationException>(() => communication.WithDeliveryProviders());

        Assert.Contains("MedicalHub:Communication:Providers:sendgrid-main:ApiKey is a secret", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Parameters:communication-sendgrid-main-api-key", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SG.not-a-real-key", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Sendgrid_Main", "sendgrid", "a provider name is lower-case")]
    [InlineData("pigeon", "carrier-pigeon", "is not a provider type")]
    public void A_provider_that_cannot_be_declared_stops_the_AppHost(string name, string type, string reason)
    {
        var (_, communication) = Model(new() { [$"MedicalHub:Communication:Providers:{name}:Type"] = type });

        var refused = Assert.Throws<DistributedApplicationException>(() => communication.WithDeliveryProviders());

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_declared_providers_nothing_is_added()
    {
        var (builder, communication) = Model([]);

        communication.WithDeliveryProviders();

        Assert.Empty(builder.Resources.OfType<ParameterResource>());
        Assert.DoesNotContain((await ServiceClientTests.EnvironmentAsync(builder, communication.Resource)).Keys,
            key => key.StartsWith("MedicalHub__Communication", StringComparison.Ordinal));
    }

    /// <summary>The repository's configuration files hold no provider secret: they are parameters, never settings.</summary>
    [Theory]
    [InlineData("MedicalHub.AppHost/appsettings.json")]
    [InlineData("services/Communication/MedicalHub.Communication.Api/appsettings.json")]
    public void No_configuration_file_in_the_repository_holds_a_provider_secret(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), path)),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var secretNames = CommunicationProviderExtensions.SecretSettings.Values.SelectMany(s => s).Select(s => s.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var settings = Leaves(json.RootElement, "").ToList();

        Assert.NotEmpty(settings);
        Assert.DoesNotContain(settings, setting => setting.Path.StartsWith("MedicalHub:Communication:Providers:", StringComparison.OrdinalIgnoreCase)
            && secretNames.Contains(setting.Path.Split(':')[^1]));
    }

    private static IEnumerable<(string Path, string Value)> Leaves(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Leaves(p.Value, path.Length == 0 ? p.Name : $"{path}:{p.Name}")),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Leaves(e, $"{path}:{i}")),
        JsonValueKind.Null => [],
        _ => [(path, element.ToString())],
    };

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MedicalHub.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (MedicalHub.sln) was not found above the test binaries.");
    }
}
