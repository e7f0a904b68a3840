using MedicalHub.Communication.Api.Apis;
using MedicalHub.Communication.Api.Conversations;
using MedicalHub.Communication.Api.Delivery;
using MedicalHub.Communication.Api.Engine;
using MedicalHub.Communication.Api.Infrastructure;
using MedicalHub.Communication.Api.Notifications;
using MedicalHub.Communication.Api.Preferences;
using MedicalHub.Communication.Api.Providers;
using MedicalHub.Communication.Api.Providers.Smtp;
using MedicalHub.Communication.Api.Routing;
using MedicalHub.Communication.Api.Templates;
using MedicalHub.Communication.Api.Webhooks;
using MedicalHub.Data;
using MedicalHub.Data.Tenancy;
using MedicalHub.RateLimiting;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedicalHub.Communication.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Connection names as the AppHost declares them: the service's own database and Redis.</summary>
    public const string DatabaseName = "communicationdb";
    public const string RedisName = "communication-redis";

    /// <summary>This service's name as an audience of access tokens.</summary>
    public const string Audience = "communication";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDataStores<CommunicationDbContext>(DatabaseName, RedisName);
        builder.AddMedicalHubAuthentication(Audience);
        builder.Services.AddOrganizationScope<CommunicationDbContext>(sp => sp.GetRequiredService<CurrentCaller>().OrganizationId);
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.Configure<CommunicationSettings>(builder.Configuration.GetSection(CommunicationSettings.SectionName));
        builder.Services.AddSingleton<LiquidTemplates>();
        builder.Services.AddSingleton<SystemTemplates>();
        builder.Services.AddSingleton<OrganizationTemplateCache>();
        builder.Services.AddScoped<TemplateResolver>();
        builder.Services.AddSingleton<TemplateRenderer>();
        builder.Services.AddScoped<RecipientPreferences>();
        builder.Services.AddSingleton<UnsubscribeTokens>();
        builder.Services.AddScoped<NotificationIntake>();
        builder.AddMemberDirectory();
        builder.Services.AddSingleton<NotificationWriter>();

        builder.AddDeliveryEngine();
        builder.AddSmtpProviders();
        builder.Services.AddDeliveryProviders(builder.Configuration);

        builder.AddConversations();
        return builder;
    }

    /// <summary>The delivery engine in this process (every replica runs one), its provider routing and the webhook status sink.</summary>
    public static IHostApplicationBuilder AddDeliveryEngine(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<DeliveryOptions>(builder.Configuration.GetSection(DeliveryOptions.SectionName));
        builder.Services.AddSingleton<ProviderRouter>();
        builder.Services.AddRedisRateLimiter();
        builder.Services.AddSingleton<DeliveryEngineSignal>();
        builder.Services.AddScoped<DeliveryWorker>();
        builder.Services.AddSingleton<IDeliveryStatusSink, DeliveryStatusSink>();
        builder.Services.AddSingleton<DeliveryEngine>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeliveryEngine>());
        return builder;
    }

    public static WebApplication MapCommunicationApis(this WebApplication app)
    {
        app.MapNotificationsApi();
        app.MapTemplatesApi();
        app.MapRoutingApi();
        app.MapPreferencesApi();
        app.MapDeliveryWebhooks();
        app.MapConversations();
        return app;
    }
}
