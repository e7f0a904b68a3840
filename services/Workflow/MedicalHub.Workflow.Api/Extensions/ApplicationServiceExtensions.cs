using MedicalHub.Data;
using MedicalHub.Data.Inbox;
using MedicalHub.Data.Outbox;
using MedicalHub.Data.Tenancy;
using MedicalHub.Fhir;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.Authorization;
using MedicalHub.Security.ServiceClients;
using MedicalHub.Workflow.Api.Analytics;
using MedicalHub.Workflow.Api.Assistant;
using MedicalHub.Workflow.Api.Audit;
using MedicalHub.Workflow.Api.DecisionSupport;
using MedicalHub.Workflow.Api.Definitions;
using MedicalHub.Workflow.Api.Engine;
using MedicalHub.Workflow.Api.Events;
using MedicalHub.Workflow.Api.Fhir;
using MedicalHub.Workflow.Api.Infrastructure;
using MedicalHub.Workflow.Api.Instances;
using MedicalHub.Workflow.Api.Notifications;
using MedicalHub.Workflow.Api.Tasks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedicalHub.Workflow.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Connection names as the AppHost declares them: the service's own database and Redis.</summary>
    public const string DatabaseName = "workflowdb";
    public const string RedisName = "workflow-redis";

    /// <summary>This service's name as an audience of access tokens.</summary>
    public const string Audience = "workflow";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDataStores<WorkflowDbContext>(DatabaseName, RedisName);
        builder.AddMedicalHubAuthentication(Audience);
        builder.Services.AddOrganizationScope<WorkflowDbContext>(sp => sp.GetRequiredService<CurrentCaller>().OrganizationId);
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddFhirProblemWriter();
        builder.Services.AddSingleton<DefinitionCache>();
        builder.Services.AddScoped<DefinitionChecks>();
        builder.Services.AddSingleton<RoleDirectory>();
        builder.Services.AddHttpClient(RoleDirectory.HttpClientName, http => http.BaseAddress = new Uri("http://identity"));

        builder.Services.AddScoped<InstanceStarter>();
        builder.Services.AddScoped<InstanceControl>();
        builder.Services.AddScoped<TaskActions>();
        builder.Services.AddScoped<PatientDataAudit>();

        builder.AddPathwayEngine();
        builder.AddPathwayNotifications();
        builder.AddIntegrationEvents();
        builder.AddDecisionSupport();
        builder.AddAssistant();
        return builder;
    }

    /// <summary>
    /// The engine in this process (every replica runs one): its timer lane and call lane, the step runner, telemetry, and
    /// the HTTP clients of the services a pathway may call (<c>http://&lt;service&gt;</c> with Workflow's token for it).
    /// </summary>
    public static IHostApplicationBuilder AddPathwayEngine(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<EngineOptions>(builder.Configuration.GetSection(EngineOptions.SectionName));
        builder.Services.AddSingleton<EngineSignal>();
        builder.Services.AddSingleton<CallSignal>();
        builder.Services.AddSingleton<WorkflowGauges>();
        builder.Services.AddSingleton<EngineTelemetry>();
        builder.Services.AddScoped<FactsLoader>();
        builder.Services.AddScoped<StepRunner>();
        builder.Services.AddSingleton<ServiceCalls>();
        builder.Services.AddSingleton<WorkProcessor>();
        builder.Services.AddHostedService<PathwayEngine>();
        builder.Services.AddHostedService<CallWorker>();
        builder.Services.AddHostedService<WorkflowGaugeSampler>();

        builder.AddServiceTokenClient();
        var callable = builder.Configuration.GetSection($"{EngineOptions.SectionName}:{nameof(EngineOptions.CallableServices)}").Get<string[]>() ?? new EngineOptions().CallableServices;
        foreach (var service in callable)
        {
            // The engine owns retries (with backoff, and the step's idempotency key makes them safe): one attempt per call.
#pragma warning disable EXTEXP0001 // experimental in Microsoft.Extensions.Http.Resilience, and the documented way to undo ConfigureHttpClientDefaults
            builder.Services.AddHttpClient(ServiceCalls.ClientName(service), http => http.BaseAddress = new Uri($"http://{service}"))
                .RemoveAllResilienceHandlers()
                .AddServiceAuthentication(service);
#pragma warning restore EXTEXP0001
        }
        return builder;
    }

    /// <summary>Notifications of steps and compensations: queued in the outbox, delivered to Communication by the relay with Workflow's token.</summary>
    public static IHostApplicationBuilder AddPathwayNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<PathwayNotifications>();
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(NotificationOutboxHandler.HttpClientName, http => http.BaseAddress = new Uri("http://communication"))
            .RemoveAllResilienceHandlers()
            .AddServiceAuthentication("communication");
#pragma warning restore EXTEXP0001
        builder.Services.AddSingleton<IOutboxHandler, NotificationOutboxHandler>();
        builder.AddOutboxRelay<WorkflowDbContext>();
        return builder;
    }

    /// <summary>The inbox of integration events and Workflow's reactions to them.</summary>
    public static IHostApplicationBuilder AddIntegrationEvents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddIntegrationEventInbox<WorkflowDbContext>();
        builder.Services.AddScoped<WaitingSteps>();
        builder.Services.AddScoped<IIntegrationEventConsumer, PatientEventsHandler>();
        builder.Services.AddScoped<IIntegrationEventConsumer, ClinicalEventsHandler>();
        builder.Services.AddScoped<IIntegrationEventConsumer, DeliveryEventsHandler>();
        return builder;
    }

    public static WebApplication MapWorkflowApis(this WebApplication app)
    {
        app.MapCarePathwaysApi();
        app.MapInstancesApi();
        app.MapTasksApi();
        app.MapAnalyticsApi();
        app.MapIntegrationEventsApi();
        app.MapFhirMetadata();
        app.MapPlanDefinitionEndpoints();
        app.MapTaskEndpoints();
        app.MapDecisionSupport();
        app.MapAssistantApi();
        return app;
    }
}
