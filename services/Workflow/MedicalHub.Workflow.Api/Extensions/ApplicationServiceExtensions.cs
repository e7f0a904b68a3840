using MedicalHub.Data;
using MedicalHub.Data.Tenancy;
using MedicalHub.Security.Authentication;
using MedicalHub.Security.Authorization;
using MedicalHub.Workflow.Api.Apis;
using MedicalHub.Workflow.Api.Infrastructure;
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
        return builder;
    }

    public static WebApplication MapWorkflowApis(this WebApplication app)
    {
        app.MapCarePathwaysApi();
        return app;
    }
}
