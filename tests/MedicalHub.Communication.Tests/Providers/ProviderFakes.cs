using System.Security.Cryptography;
using System.Text;
using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WireMock;
using WireMock.Server;

namespace MedicalHub.Communication.Tests.Providers;

/// <summary>A WireMock.Net stand-in for one provider's API, and the providers built from configuration pointing at it.</summary>
public sealed class ProviderFake : IDisposable
{
    public static readonly Guid NotificationId = Guid.Parse("0f5d8a2e-3c41-4b7a-9e52-1d2c3b4a5f60");
    public static readonly Guid AttemptId = Guid.Parse("6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d");
    public static readonly Guid OrganizationId = Guid.Parse("11111111-2222-4333-8444-555555555555");

    /// <summary>One RSA key per test run: generating it is the slow part of the FCM tests.</summary>
    public static readonly Lazy<RSA> ServiceAccountKey = new(() => RSA.Create(2048));

    public WireMockServer Server { get; } = WireMockServer.Start();

    public string BaseUrl => Server.Urls[0];

    /// <summary>Every request the fake received, in order.</summary>
    public IReadOnlyList<IRequestMessage> Requests => Server.LogEntries.Select(entry => entry.RequestMessage!).ToList();

    public void Dispose() => Server.Stop();

    /// <summary>
    /// The providers as the service builds them, including the service defaults' resilience pipeline on every
    /// HttpClient, so a test also sees that a provider call is never silently repeated.
    /// </summary>
    public static ServiceProvider BuildServices(IReadOnlyDictionary<string, string?> settings, TimeProvider? time = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddDeliveryProviders(configuration);
        return services.BuildServiceProvider();
    }

    public static IDeliveryProvider Provider(ServiceProvider services, string name) =>
        services.GetServices<IDeliveryProvider>().Single(provider => provider.Name == name);

    public static OutboundMessage Email(IReadOnlyDictionary<string, string>? headers = null) => new(
        NotificationId, AttemptId, OrganizationId, Channel.Email, "patient@example.org", "Your appointment on Monday",
        "See you at 9:00.", "<p>See you at <b>9:00</b>.</p>", headers ?? new Dictionary<string, string>(), new Dictionary<string, string>());

    public static OutboundMessage Sms() => new(
        NotificationId, AttemptId, OrganizationId, Channel.Sms, "+33612345678", null, "Rendez-vous lundi à 9h00.", null,
        new Dictionary<string, string>(), new Dictionary<string, string>());

    public static OutboundMessage Push() => new(
        NotificationId, AttemptId, OrganizationId, Channel.Push, "device-registration-token-1", "Document shared", "Dr Martin shared a document with you.", null,
        new Dictionary<string, string>(), new Dictionary<string, string> { ["documentId"] = "doc-42" });

    public static string Body(IRequestMessage request) =>
        request.Body ?? (request.BodyAsBytes is { } bytes ? Encoding.UTF8.GetString(bytes) : "");

    public static string Header(IRequestMessage request, string name) =>
        request.Headers!.Single(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)).Value.Single();

    public static Dictionary<string, string> Form(IRequestMessage request) =>
        Body(request).Split('&').Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => Uri.UnescapeDataString(pair[0].Replace('+', ' ')), pair => Uri.UnescapeDataString(pair[1].Replace('+', ' ')));
}

/// <summary>A clock that stands where the test puts it.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
