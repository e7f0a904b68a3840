using MedicalHub.Data;
using MedicalHub.Workflow.Api.Infrastructure;

namespace MedicalHub.Workflow.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Connection names as the AppHost declares them: the service's own database and Redis.</summary>
    public const string DatabaseName = "workflowdb";
    public const string RedisName = "workflow-redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDataStores<WorkflowDbContext>(DatabaseName, RedisName);
        return builder;
    }
}
