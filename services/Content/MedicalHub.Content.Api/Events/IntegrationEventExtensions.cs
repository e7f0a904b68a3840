using MedicalHub.Content.Api.Infrastructure;
using MedicalHub.Data.Outbox;
using MedicalHub.Security.ServiceClients;
using Microsoft.Extensions.Options;

namespace MedicalHub.Content.Api.Events;

public static class IntegrationEventExtensions
{
    /// <summary>
    /// Content's outbox relay, and one delivery (HTTP client with Content's token for the subscriber's audience) per
    /// subscriber of <c>MedicalHub:Events:Subscribers</c>. The relay owns retries, so the clients have no
    /// resilience handler of their own; the relay's handler timeout bounds each call.
    /// </summary>
    public static IHostApplicationBuilder AddIntegrationEvents(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(IntegrationEventSettings.SectionName);
        builder.Services.Configure<IntegrationEventSettings>(section);
        var settings = section.Get<IntegrationEventSettings>() ?? new IntegrationEventSettings();

        foreach (var (name, subscriber) in settings.Subscribers)
        {
            var url = subscriber.Url is { IsAbsoluteUri: true } absolute ? absolute
                : throw new OptionsValidationException(IntegrationEventSettings.SectionName, typeof(IntegrationEventSettings),
                    [$"{IntegrationEventSettings.SectionName}:Subscribers:{name}:Url must be an absolute URL."]);
#pragma warning disable EXTEXP0001 // experimental in Microsoft.Extensions.Http.Resilience, and the documented way to undo ConfigureHttpClientDefaults
            builder.Services.AddHttpClient(IntegrationEventDelivery.HttpClientNameFor(name))
                .RemoveAllResilienceHandlers()
                .AddServiceAuthentication(subscriber.Audience ?? name);
#pragma warning restore EXTEXP0001
            builder.Services.AddSingleton<IOutboxHandler>(sp => new IntegrationEventDelivery(name, url, sp.GetRequiredService<IHttpClientFactory>()));
        }
        builder.Services.AddSingleton<IntegrationEventOutbox>();
        builder.AddOutboxRelay<ContentDbContext>();
        return builder;
    }
}
